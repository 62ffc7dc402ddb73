/**
 * Registers a simulated fleet's devices in the Redis registry, so the gateway admits them (hj212-sim --register).
 * An MN already registered is left exactly as it is (binding, password, createdAt) unless `overwrite` is set; then
 * its version, password and profile become the simulator's while its enterprise/site/point binding and createdAt
 * stay. Every device written is audited like a change made with the token CLI (actor `cli`, the OS user, name
 * prefixed `hj212-sim`): `create` for a new device, `update` with before/after for an overwritten one.
 */
import { userInfo } from 'node:os';
import { Redis } from 'ioredis';
import type { Actor } from '../domain/catalog.js';
import { newDevice, publicDevice } from '../domain/device-defaults.js';
import type { Device } from '../domain/device.js';
import type { CollectorIdentity } from '../sim/identity.js';
import { createRedisAudit } from '../storage/redis/audit.js';
import { createRedisRegistry } from '../storage/redis/registry.js';

/** Registrations in flight at once; ioredis pipelines them into few round trips. */
const BATCH = 500;

/** What a registration did. */
export interface RegisterResult {
  /** New devices written. */
  created: number;
  /** Existing devices replaced (only with `overwrite`). */
  overwritten: number;
  /** Existing devices left unchanged. */
  kept: number;
}

function simActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep 'unknown'
  }
  return { tokenId: 'cli', name: `hj212-sim (${name})`, role: 'cli' };
}

/** The simulator's device for an identity; an existing record keeps its binding, enabled flag and createdAt. */
function simDevice(id: CollectorIdentity, existing: Device | undefined): Device {
  const fresh = newDevice({ mn: id.mn, password: id.password, version: id.version, encoding: id.encoding, allowMnLength: id.legacyMn });
  if (!existing) return fresh;
  const { enterpriseId, siteId, pointId, createdAt, enabled } = existing;
  return { ...fresh, enterpriseId, siteId, pointId, createdAt, enabled };
}

/** Registers every identity in the registry under `prefix`; existing MNs are kept unless `overwrite`. */
export async function registerFleet(identities: readonly CollectorIdentity[], redisUrl: string, prefix: string, overwrite = false): Promise<RegisterResult> {
  const redis = new Redis(redisUrl, { enableAutoPipelining: true, maxRetriesPerRequest: 3 });
  const registry = createRedisRegistry({ redis, prefix, cache: false });
  const audit = createRedisAudit({ redis, prefix });
  const actor = simActor();
  const result: RegisterResult = { created: 0, overwritten: 0, kept: 0 };
  const one = async (id: CollectorIdentity): Promise<void> => {
    const existing = await registry.get(id.mn);
    if (existing && !overwrite) {
      result.kept++;
      return;
    }
    const device = simDevice(id, existing);
    await registry.put(device);
    const at = new Date().toISOString();
    const entity = { type: 'collector', id: id.mn } as const;
    if (existing) {
      result.overwritten++;
      await audit.append({ at, actor, action: 'update', entity, before: publicDevice(existing), after: publicDevice(device) });
    } else {
      result.created++;
      await audit.append({ at, actor, action: 'create', entity, after: publicDevice(device) });
    }
  };
  try {
    for (let i = 0; i < identities.length; i += BATCH) await Promise.all(identities.slice(i, i + BATCH).map(one));
    return result;
  } finally {
    await registry.close();
    await redis.quit();
  }
}
