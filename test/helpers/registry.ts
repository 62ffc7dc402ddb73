/** A Redis DeviceRegistry on a fresh key prefix with its own connection, both closed when the test ends. */
import { Redis } from 'ioredis';
import type { DeviceRegistry } from '../../src/domain/ports.js';
import { createRedisRegistry, type RedisRegistryOptions } from '../../src/storage/redis/registry.js';
import { freshPrefix, redisUrl } from './services.js';

export interface OpenRegistry {
  prefix: string;
  redis: Redis;
  registry: DeviceRegistry;
}

/** Open it; `teardown` is the test's (tap's `t.teardown`). */
export function openRegistry(teardown: (fn: () => Promise<void>) => void, options: Pick<RedisRegistryOptions, 'cache' | 'maxPending'> = {}): OpenRegistry {
  const prefix = freshPrefix();
  const redis = new Redis(redisUrl());
  const registry = createRedisRegistry({ redis, prefix, ...options });
  teardown(async () => {
    await registry.close();
    await redis.quit();
  });
  return { prefix, redis, registry };
}
