/** The port conformance suites against the Redis implementations (fresh key prefix per suite run). */
import { Redis } from 'ioredis';
import t from 'tap';
import { createRedisRegistry } from '../../src/storage/redis-registry.js';
import { createRedisArchive } from '../../src/storage/redis-archive.js';
import { createRedisDedupe, createRedisLatest } from '../../src/storage/redis-stores.js';
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

t.test('dedupe keys carry the TTL', async (tt) => {
  const prefix = freshPrefix();
  await createRedisDedupe(redis, { prefix, ttlSeconds: 120 }).remember(['frame-1']);
  const ttl = await redis.ttl(`${prefix}dedupe:frame-1`);
  tt.ok(ttl > 100 && ttl <= 120, `ttl ${ttl}`);
});

t.test('latest: works after the script cache is flushed (EVALSHA falls back to EVAL)', async (tt) => {
  const store = createRedisLatest(redis, { prefix: freshPrefix() });
  await store.update([{ mn: 'M', kind: 'rt', factor: 'a', timeMs: 1, values: { rtd: '1' } }]);
  await redis.script('FLUSH');
  await store.update([{ mn: 'M', kind: 'rt', factor: 'a', timeMs: 2, values: { rtd: '2' } }]);
  tt.equal((await store.get('M'))[0]?.values.rtd, '2');
});
