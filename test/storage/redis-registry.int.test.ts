/** The registry cache across processes: a put on one registry instance is seen by another without restart. */
import { Redis } from 'ioredis';
import t from 'tap';
import { newDevice } from '../../src/domain/device-defaults.js';
import { createRedisRegistry } from '../../src/storage/redis-registry.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';

const MN = '88888880000001';

/** Resolves with the next message published on `channel` (a third connection, like any other gateway). */
async function nextMessage(channel: string): Promise<{ message: Promise<string>; close: () => Promise<unknown> }> {
  const sub = new Redis(redisUrl());
  await sub.subscribe(channel);
  const message = new Promise<string>((resolve) => sub.once('message', (_ch: string, m: string) => resolve(m)));
  return { message, close: () => sub.quit() };
}

t.test('put on one gateway invalidates the cached device on another', async (tt) => {
  const prefix = freshPrefix();
  const a = createRedisRegistry({ redis: redisUrl(), prefix });
  const b = createRedisRegistry({ redis: redisUrl(), prefix });
  tt.teardown(async () => {
    await a.close();
    await b.close();
  });
  await a.put(newDevice({ mn: MN, password: 'first-pw' }));
  tt.equal((await b.get(MN))?.enabled, true, 'b caches the device');

  const probe = await nextMessage(`${prefix}registry`);
  const device = await a.get(MN);
  if (!device) throw new Error('device missing');
  await a.put({ ...device, enabled: false });
  tt.equal(await probe.message, MN, 'the change is announced on the registry channel');
  await probe.close();
  // b's subscriber got the same message before the probe's (same publish, b subscribed earlier) or about then;
  // a read through b must now come from Redis.
  const seen = await waitFor(async () => (await b.get(MN))?.enabled === false);
  tt.ok(seen, 'b sees the disabled device');
});

t.test('a cached "unknown" is dropped when the MN is registered elsewhere', async (tt) => {
  const prefix = freshPrefix();
  const a = createRedisRegistry({ redis: redisUrl(), prefix });
  const b = createRedisRegistry({ redis: redisUrl(), prefix });
  tt.teardown(async () => {
    await a.close();
    await b.close();
  });
  tt.equal(await b.get(MN), undefined);
  await a.put(newDevice({ mn: MN, password: 'pw-123-x' }));
  tt.ok(await waitFor(async () => (await b.get(MN)) !== undefined), 'b sees the new device');
});

t.test('the cache serves repeated reads without asking Redis', async (tt) => {
  const prefix = freshPrefix();
  const redis = new Redis(redisUrl());
  const registry = createRedisRegistry({ redis, prefix });
  tt.teardown(async () => {
    await registry.close();
    await redis.quit();
  });
  await registry.put(newDevice({ mn: MN, password: 'pw-123-x' }));
  await waitFor(async () => {
    await registry.get(MN);
    return true;
  });
  // Change the record behind the registry's back (no publish): a cached read keeps the old value, which proves
  // reads are served from memory once the subscription is live.
  const live = await waitFor(async () => {
    const json = await redis.get(`${prefix}device:${MN}`);
    await redis.set(`${prefix}device:${MN}`, (json ?? '').replace('"enabled":true', '"enabled":false'));
    const cached = (await registry.get(MN))?.enabled === true;
    await redis.set(`${prefix}device:${MN}`, json ?? '');
    return cached;
  });
  tt.ok(live, 'reads come from the cache');
});

/**
 * Pub/sub delivery is asynchronous: retry the check on each event-loop turn until it holds, at most 5 s.
 * Returns false when it never held, so the test fails with an assertion rather than a timeout.
 */
async function waitFor(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return false;
}
