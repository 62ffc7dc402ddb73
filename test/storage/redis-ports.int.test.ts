/** The port conformance suites against the Redis implementations (fresh key prefix per suite run). */
import { Redis } from 'ioredis';
import t from 'tap';
import { createRedisRegistry } from '../../src/storage/redis/registry.js';
import { createRedisArchive } from '../../src/storage/redis/archive.js';
import { createRedisDeadLetters } from '../../src/storage/redis/dead-letters.js';
import { createRedisDedupe, createRedisLatest } from '../../src/storage/redis/stores.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';
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

t.test('latest: works after the script cache is flushed (EVALSHA falls back to EVAL)', async (tt) => {
  const store = createRedisLatest(redis, { prefix: freshPrefix() });
  await store.update([{ mn: 'M', kind: 'rt', factor: 'a', timeMs: 1, values: { rtd: '1' } }]);
  await redis.script('FLUSH');
  await store.update([{ mn: 'M', kind: 'rt', factor: 'a', timeMs: 2, values: { rtd: '2' } }]);
  tt.equal((await store.get('M'))[0]?.values.rtd, '2');
});
