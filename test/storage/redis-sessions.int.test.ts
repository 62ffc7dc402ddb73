/**
 * Gateway sessions in Redis: the claims of one I/O phase go in one script call, and a release issued before a queued
 * claim was sent still lands after it (a collector that connects, sends one frame and closes is not left "connected").
 */
import { Redis } from 'ioredis';
import t from 'tap';
import { createRedisSessions } from '../../src/storage/redis/sessions.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';

const info = (mn: string, connectionId: string, replaced = 0) => ({ mn, instanceId: 'gw1', connectionId, remote: '10.0.0.1', connectedAt: 1_700_000_000_000, framesToday: 0, rejectionsToday: 0, replaced });

t.test('claims of one tick in one command; a release right after its claim wins; replacements counted', async (t) => {
  const redis = new Redis(redisUrl());
  const monitor = new Redis(redisUrl());
  t.teardown(() => {
    redis.disconnect();
    monitor.disconnect();
  });
  const prefix = freshPrefix();
  // MONITOR reports a command once the server ran it: the MNs' hash names are built from the prefix in the script, so
  // only the calls themselves carry it.
  const sessions = createRedisSessions(redis, { prefix, timeZone: 'UTC' });
  t.teardown(() => sessions.close());
  // Commands the clients sent (not those run inside scripts) that name this test's prefix.
  const sent: string[] = [];
  const watch = await monitor.monitor();
  watch.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua' && args.some((a) => a.includes(prefix))) sent.push(String(args[0]).toLowerCase());
  });
  const claimed = Promise.all(Array.from({ length: 50 }, (_, i) => sessions.claim(info(`SESS${String(i).padStart(3, '0')}`, `c${i}`, i === 7 ? 1 : 0))));
  // The collector of SESS003 closes in the same tick: its release must not be overtaken by the queued claim.
  const released = sessions.release('SESS003', 'c3');
  await Promise.all([claimed, released]);
  // Monitor lines arrive on their own connection: wait until both calls were seen.
  await waitFor(async () => sent.filter((c) => c === 'eval' || c === 'evalsha').length >= 2, 'the claims and release calls on the monitor');
  watch.disconnect();
  // One script call for the 50 claims (two when its EVALSHA is retried as EVAL) and one for the release.
  t.ok(sent.length >= 2 && sent.length <= 3 && sent.every((c) => c === 'evalsha' || c === 'eval'), `commands sent: ${sent.join(' ')}`);
  const s0 = await sessions.get('SESS000');
  t.match(s0, { instanceId: 'gw1', connectionId: 'c0', remote: '10.0.0.1', connectedAt: 1_700_000_000_000 });
  const s3 = await sessions.get('SESS003');
  t.equal(s3?.connectionId, '', 'released after its claim: not connected');
  t.equal((await sessions.get('SESS007'))?.replaced, 1, 'replacement counted');
  t.equal((await sessions.list()).length, 50, 'every claimed MN listed');
});
