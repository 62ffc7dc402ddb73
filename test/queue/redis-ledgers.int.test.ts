import { Redis } from 'ioredis';
import t from 'tap';
import { createRedisCheckState, createRedisRepullTracker, createRedisRollupStore } from '../../src/storage/redis/check-state.js';
import { createRedisLedgerStore } from '../../src/storage/redis/ledgers.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';
import { ledgerStoresSuite } from './ledger-store-suite.js';

const redis = new Redis(redisUrl());
t.teardown(() => redis.quit());

t.test('redis ledger ports', async (tt) =>
  ledgerStoresSuite(tt, {
    // A fresh prefix per store, so every test starts empty.
    ledgers: async () => createRedisLedgerStore({ redis, prefix: freshPrefix() }),
    tracker: async () => createRedisRepullTracker(redis, freshPrefix()),
    state: async () => createRedisCheckState(redis, freshPrefix()),
    rollups: async () => createRedisRollupStore(redis, freshPrefix()),
  }),
);
