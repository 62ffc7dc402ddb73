/** Registers a simulated fleet's devices in the Redis registry, so the gateway admits them (hj212-sim --register). */
import { Redis } from 'ioredis';
import { newDevice } from '../domain/device-defaults.js';
import type { CollectorIdentity } from '../sim/identity.js';
import { createRedisRegistry } from '../storage/redis-registry.js';

/** Registrations in flight at once; ioredis pipelines them into few round trips. */
const BATCH = 500;

/** Puts every identity in the registry under `prefix`; returns how many were written. */
export async function registerFleet(identities: readonly CollectorIdentity[], redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { enableAutoPipelining: true, maxRetriesPerRequest: 3 });
  const registry = createRedisRegistry({ redis, prefix, cache: false });
  try {
    for (let i = 0; i < identities.length; i += BATCH) {
      await Promise.all(
        identities.slice(i, i + BATCH).map((id) =>
          registry.put(newDevice({ mn: id.mn, password: id.password, version: id.version, encoding: id.encoding, allowMnLength: id.legacyMn })),
        ),
      );
    }
    return identities.length;
  } finally {
    await registry.close();
    await redis.quit();
  }
}
