/** Frames whose readings InfluxDB refused permanently, with the raw bytes, in the capped list `${prefix}dead-letters`. */
import type { Redis } from 'ioredis';
import { DEFAULT_CONFIG } from '../../config.js';
import type { DeadLetterStore } from '../../domain/ports.js';

export function createRedisDeadLetters(redis: Redis, opts: { prefix: string; max?: number }): DeadLetterStore {
  const key = `${opts.prefix}dead-letters`;
  return {
    async add(entry) {
      await redis.multi().lpush(key, JSON.stringify(entry)).ltrim(key, 0, (opts.max ?? DEFAULT_CONFIG.deadLettersMax) - 1).exec();
    },
    async list(limit) {
      return (await redis.lrange(key, 0, limit - 1)).map((s) => JSON.parse(s));
    },
  };
}
