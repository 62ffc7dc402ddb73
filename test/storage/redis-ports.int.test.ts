/** The port conformance suites against the Redis implementations (fresh key prefix per suite run). */
import { Redis } from 'ioredis';
import t from 'tap';
import { createRedisRegistry } from '../../src/storage/redis/registry.js';
import { createRedisArchive } from '../../src/storage/redis/archive.js';
import { createRedisDeadLetters } from '../../src/storage/redis/dead-letters.js';
import { createRedisDedupe } from '../../src/storage/redis/dedupe-store.js';
import { createRedisLatest } from '../../src/storage/redis/latest-store.js';
import type { LatestEntry } from '../../src/domain/ports.js';
import type { FactorReading } from '../../protocol/index.js';
import { LatestCoalescer } from '../../src/server/latest-coalescer.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';
import { registrySuite } from './conformance/registry-suite.js';
import { storesSuite } from './conformance/stores-suite.js';

const redis = new Redis(redisUrl());
t.teardown(() => redis.quit());

t.test('redis registry', async (tt) => registrySuite(tt, async (options) => createRedisRegistry({ redis, prefix: freshPrefix(), ...options })));

t.test('redis stores', async (tt) =>
  storesSuite(tt, {
    dedupe: async (ttlSeconds) => createRedisDedupe(redis, { prefix: freshPrefix(), ttlSeconds }),
    latest: async () => createRedisLatest(redis, { prefix: freshPrefix() }),
    archive: async (maxLength) => createRedisArchive(redis, { prefix: freshPrefix(), maxLength }),
  }),
);

t.test('dead letters are capped, newest kept', async (tt) => {
  const letters = createRedisDeadLetters(redis, { prefix: freshPrefix(), max: 5 });
  for (let i = 0; i < 20; i++) await letters.add({ raw: 'x', mn: 'M', reason: `r${i}`, at: i });
  const kept = await letters.list(100);
  tt.same(kept.map((l) => l.reason), ['r19', 'r18', 'r17', 'r16', 'r15']);
});

t.test('dedupe keys carry the TTL, per collector', async (tt) => {
  const prefix = freshPrefix();
  await createRedisDedupe(redis, { prefix, ttlSeconds: 120 }).remember(['M1|frame-1']);
  const ttl = await redis.ttl(`${prefix}dedupe:M1`);
  tt.ok(ttl > 100 && ttl <= 120, `ttl ${ttl}`);
  tt.equal(await redis.zcard(`${prefix}dedupe:M1`), 1);
});

t.test('dedupe keys are bounded per collector and expire by their own time', async (tt) => {
  const prefix = freshPrefix();
  let now = 1_000_000;
  const store = createRedisDedupe(redis, { prefix, ttlSeconds: 60, maxPerOwner: 100, now: () => now });
  // A flood of 1,000 stored frames of one collector: the newest 100 keys are kept, another collector is untouched.
  await store.remember(['B|keep']);
  for (let i = 0; i < 10; i++) {
    now += 1;
    await store.remember(Array.from({ length: 100 }, (_, j) => `A|k${i * 100 + j}`));
  }
  tt.equal(await redis.zcard(`${prefix}dedupe:A`), 100, 'bounded per collector');
  tt.same(await store.seen(['A|k999', 'A|k0', 'B|keep']), new Set(['A|k999', 'B|keep']), 'the newest kept, the oldest forgotten, B kept');
  now += 61_000;
  tt.same(await store.seen(['A|k999', 'B|keep']), new Set(), 'expired by time');
});

t.test('dedupe ids with whitespace (a DataTime that is not a time) are remembered and found; 2,500 ids of many collectors in one call', async (tt) => {
  const prefix = freshPrefix();
  const store = createRedisDedupe(redis, { prefix, ttlSeconds: 60 });
  const odd = ['M1|2011.2024 01 01.\t1.x', 'M1|2011.\n.2.y', 'M2|a  b'];
  const many = Array.from({ length: 2500 }, (_, i) => `C${i % 7}|2011.k${i}.1.f`);
  await store.remember([...odd, ...many], [{ owner: 'M1', stream: '2011', mark: 5 }]);
  tt.same(await store.seen([...odd, 'M1|2011.2024 01 01. 1.x', 'M1|other']), new Set([...odd, 'M1|2011.2024 01 01. 1.x']), 'found (whitespace read as one `_`), others not');
  tt.equal((await store.seen(many)).size, 2500, 'every id of the large batch remembered');
  tt.same(await redis.zcard(`${prefix}dedupe:C0`), 358, 'grouped per collector');
  tt.same(await store.marks(['M1']), new Map([['M1', new Map([['2011', 5]])]]));
});

t.test('latest: works after the script cache is flushed (EVALSHA falls back to EVAL)', async (tt) => {
  const store = createRedisLatest(redis, { prefix: freshPrefix() });
  await store.update([{ mn: 'M', kind: 'rt', factor: 'a', timeMs: 1, values: { rtd: '1' } }]);
  await redis.script('FLUSH');
  await store.update([{ mn: 'M', kind: 'rt', factor: 'a', timeMs: 2, values: { rtd: '2' } }]);
  tt.equal((await store.get('M'))[0]?.values.rtd, '2');
});

t.test('latest: one field per kind; factors whose set or time differs keep their own newest time', async (tt) => {
  const prefix = freshPrefix();
  const store = createRedisLatest(redis, { prefix });
  const e = (factor: string, timeMs: number, rtd: string, kind = 'realtime'): LatestEntry => ({ mn: 'M', kind, factor, timeMs, values: { rtd, flag: 'N' } });
  await store.update([e('a', 10, '1'), e('b', 10, '1'), e('h', 5, 'h', 'hour')]);
  tt.same(await redis.hkeys(`${prefix}latest:M`), ['realtime', 'hour'], 'one hash field per kind');
  // A frame without b, then an older frame with b and c: a stays at 20, b stays at 10, c comes in at 15.
  await store.update([e('a', 20, '2')]);
  await store.update([e('a', 15, 'old'), e('b', 5, 'old'), e('c', 15, '3')]);
  const got = await store.get('M');
  tt.same(
    got.map((x) => [x.kind, x.factor, x.timeMs, x.values.rtd]),
    [
      ['hour', 'h', 5, 'h'],
      ['realtime', 'a', 20, '2'],
      ['realtime', 'b', 10, '1'],
      ['realtime', 'c', 15, '3'],
    ],
  );
  tt.same(got[1]?.values, { rtd: '2', flag: 'N' }, 'all value names kept');
  // Values absent for one factor stay absent.
  await store.update([{ mn: 'M', kind: 'minute', factor: 'x', timeMs: 1, values: { avg: '1' } }, { mn: 'M', kind: 'minute', factor: 'y', timeMs: 1, values: { min: '0', max: '2' } }]);
  tt.same((await store.get('M')).filter((x) => x.kind === 'minute').map((x) => x.values), [{ avg: '1' }, { min: '0', max: '2' }]);
});

t.test('latest: fields of the earlier layouts are read, merged by time and replaced by newer values', async (tt) => {
  const prefix = freshPrefix();
  const key = `${prefix}latest:M`;
  // The layout before this one (values JSON after the time) and the one before it (the whole entry as JSON).
  await redis.hset(key, JSON.stringify(['realtime', 'a']), '100|{"rtd":"old-a"}');
  await redis.hset(key, JSON.stringify(['realtime', 'b']), `300|${JSON.stringify({ mn: 'M', factor: 'b', kind: 'realtime', timeMs: 300, values: { rtd: 'old-b' } })}`);
  const store = createRedisLatest(redis, { prefix });
  tt.same((await store.get('M')).map((x) => [x.factor, x.timeMs, x.values.rtd]), [['a', 100, 'old-a'], ['b', 300, 'old-b']], 'read as before');
  await store.update([{ mn: 'M', kind: 'realtime', factor: 'a', timeMs: 200, values: { rtd: 'new-a' } }, { mn: 'M', kind: 'realtime', factor: 'b', timeMs: 200, values: { rtd: 'new-b' } }]);
  tt.same((await store.get('M')).map((x) => [x.factor, x.timeMs, x.values.rtd]), [['a', 200, 'new-a'], ['b', 300, 'old-b']], 'the newer time wins either way');
  tt.same((await redis.hkeys(key)).sort(), [JSON.stringify(['realtime', 'b']), 'realtime'].sort(), 'the superseded old field is gone');
});

t.test('latest: the cap counts kind + factor entries across kinds and layouts', async (tt) => {
  const prefix = freshPrefix();
  await redis.hset(`${prefix}latest:M`, JSON.stringify(['hour', 'old']), '1|{"rtd":"1"}');
  const store = createRedisLatest(redis, { prefix, maxFields: 4 });
  const e = (kind: string, factor: string, timeMs = 1): LatestEntry => ({ mn: 'M', kind, factor, timeMs, values: { rtd: '1' } });
  await store.update([e('minute', 'a'), e('minute', 'b')]);
  await store.update([e('realtime', 'c'), e('realtime', 'd'), e('realtime', 'e')]);
  await store.update([e('minute', 'f', 2), e('minute', 'a', 2)]);
  const got = await store.get('M');
  tt.equal(got.length, 4, 'four entries at most');
  tt.same(got.find((x) => x.factor === 'a')?.timeMs, 2, 'existing entries are still updated');
});

t.test('archive: entries of the previous layout (m + r) are read; raw bytes packed; MN and CN are taken from the raw header only when it names them', async (tt) => {
  const prefix = freshPrefix();
  const archive = createRedisArchive(redis, { prefix, maxLength: 100 });
  const raw = Buffer.from('##0100QN=1;ST=32;CN=2011;PW=***;MN=ABC;Flag=5;CP=&&DataTime=20240101000000&&1234\r\n');
  await redis.xadd(`${prefix}frames`, '*', 'm', ['1', '10.0.0.1', 'stored', 'OLD', '2011', '', '', ''].join('\x1f'), 'r', raw);
  await archive.append([
    { receivedAt: 2, sourceIp: '10.0.0.2', verdict: 'stored', mn: 'ABC', cn: '2011', raw },
    { receivedAt: 3, sourceIp: '10.0.0.3', verdict: 'unknown-mn', mn: 'XYZ', cn: '2061', raw },
    { receivedAt: 4, sourceIp: '10.0.0.4', verdict: 'duplicate', mn: 'ABC', cn: '2011', raw: new Uint8Array(0), size: 90 },
  ]);
  const got = await archive.recent(10);
  tt.same(
    got.map((f) => [f.receivedAt, f.verdict, f.mn, f.cn, f.raw.length, f.size]),
    [
      [4, 'duplicate', 'ABC', '2011', 0, 90],
      [3, 'unknown-mn', 'XYZ', '2061', raw.length, undefined],
      [2, 'stored', 'ABC', '2011', raw.length, undefined],
      [1, 'stored', 'OLD', '2011', raw.length, undefined],
    ],
  );
  const [, fields] = ((await redis.xrevrangeBuffer(`${prefix}frames`, '+', '-', 'COUNT', 3)) as unknown as Array<[Buffer, Buffer[]]>)[2] ?? [];
  tt.equal(fields?.[0]?.toString(), 'z', 'one field per entry, the raw bytes packed');
  tt.ok((fields?.[1]?.length ?? 0) < raw.length, 'shorter than the raw bytes alone');
  tt.notOk(fields?.[1]?.includes('\x1fABC\x1f'), 'the MN the raw header names is not stored twice');
  tt.ok(fields?.[1]?.includes('\x1f\x1d\x1f\x1d\x1f'), 'MN and CN marked as in the raw header');
});

t.test('latest: held by the gateway (newest per kind + factor) and written to Redis on the interval or flush()', async (tt) => {
  const prefix = freshPrefix();
  const store = createRedisLatest(redis, { prefix });
  const r = (code: string, rtd: string): FactorReading => ({ code, rtd, valid: true });
  const held = new LatestCoalescer(store, (err) => tt.fail(String(err)), { intervalMs: 60_000 });
  held.hold('M', 'realtime', 2, [r('a', 'two')]);
  held.hold('M', 'realtime', 1, [r('b', 'one'), r('a', 'older')]);
  held.hold('M', 'realtime', 3, [r('a', 'three')]);
  tt.equal(await redis.exists(`${prefix}latest:M`), 0, 'nothing written before the interval');
  await held.flush();
  tt.same((await store.get('M')).map((x) => [x.factor, x.timeMs, x.values.rtd]), [['a', 3, 'three'], ['b', 1, 'one']], 'the newest of each written');
  const quick = new LatestCoalescer(store, (err) => tt.fail(String(err)), { intervalMs: 20 });
  quick.hold('M', 'realtime', 5, [r('b', 'five')]);
  await waitFor(async () => (await store.get('M')).some((x) => x.factor === 'b' && x.timeMs === 5), 'written by the timer');
});
