/**
 * DeviceRegistry in Redis. Keys, all under the deployment prefix:
 *   `device:<MN>`   JSON of the Device (see device-record.ts)
 *   `devices`       set of registered MNs
 *   `pending:<MN>`  hash: mn, firstSeen, lastSeen, sourceIp, frames, sampleFrame, activeMinutes, lastMinute
 *   `pending`       sorted set of pending MNs by last seen (epoch ms), bounded
 *   `pendingRank`   sorted set of pending MNs by eviction rank (see RECORD_PENDING)
 *   `registry`      pub/sub channel: the MN whose record changed (every gateway drops its cached copy)
 */
import { Redis } from 'ioredis';
import { DEFAULT_CONFIG } from '../../config.js';
import type { Device, PendingDevice } from '../../domain/device.js';
import type { DeviceRegistry } from '../../domain/ports.js';
import type { Logger } from '../../log.js';
import { decodeDevice, encodeDevice } from './device-record.js';
import { indexDevices, lookUp, type DeviceIndex } from './device-index.js';
import { createDeviceCache, type DeviceCache } from './device-cache.js';
import { defineScript, execAll, runScript } from './util.js';

/** Options of {@link createRedisRegistry}. */
export interface RedisRegistryOptions {
  /** An ioredis connection (not closed by the registry) or a URL (connection owned and closed by the registry). */
  redis: Redis | string;
  /** Key prefix of the deployment, e.g. `hj212:`. */
  prefix: string;
  logger?: Logger;
  /**
   * Serve `get` from an in-process cache invalidated over pub/sub (needs a second connection). Default true;
   * short-lived tools such as the CLI turn it off.
   */
  cache?: boolean;
  /** Pending devices kept (HJ212_PENDING_MAX); beyond it the lowest-ranked are dropped (RECORD_PENDING). Default 10 000. */
  maxPending?: number;
}

/** Redis key names of the registry under a prefix. */
export function registryKeys(prefix: string) {
  return {
    device: (mn: string) => `${prefix}device:${mn}`,
    devices: `${prefix}devices`,
    pendingPrefix: `${prefix}pending:`,
    pending: (mn: string) => `${prefix}pending:${mn}`,
    pendingIndex: `${prefix}pending`,
    pendingRank: `${prefix}pendingRank`,
    channel: `${prefix}registry`,
  };
}

/** Longest sample frame kept per pending MN (a frame is at most ~1 KB by the standard; legacy ones run longer). */
const MAX_SAMPLE_CHARS = 4096;

// Atomic so that concurrent gateways neither lose frame counts nor leave a hash behind an evicted index entry.
// Last-seen fields only move forward, in case two gateways record out of order.
// Eviction (the list is bounded) takes the lowest rank first: rank = distinct minutes in which the MN sent a frame
// that parsed with a valid CRC (`activeMinutes`, capped at 500), then last seen. A flood of spoofed MNs, each seen
// once, or frames that do not even parse, therefore evicts other one-off entries, never a device that has kept
// sending valid-looking frames over two minutes or more. The score is formatted by hand: Lua's default number
// formatting keeps 14 digits, too few for minutes·1e13 + epoch ms.
const RECORD_PENDING = defineScript(`
local last = redis.call('ZSCORE', KEYS[2], ARGV[1])
local ms = tonumber(ARGV[3])
redis.call('HSETNX', KEYS[1], 'firstSeen', ARGV[2])
redis.call('HSETNX', KEYS[1], 'mn', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'frames', tonumber(ARGV[8]))
if ARGV[9] == '1' then
  local minute = math.floor(ms / 60000)
  local prev = tonumber(redis.call('HGET', KEYS[1], 'lastMinute') or '-1')
  if minute ~= prev then
    redis.call('HSET', KEYS[1], 'lastMinute', string.format('%.0f', minute))
    redis.call('HINCRBY', KEYS[1], 'activeMinutes', 1)
  end
end
local newest = ms
if last and tonumber(last) > ms then newest = tonumber(last) end
if not last or tonumber(last) <= ms then
  redis.call('HSET', KEYS[1], 'lastSeen', ARGV[2], 'sourceIp', ARGV[4], 'sampleFrame', ARGV[5])
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
end
local active = tonumber(redis.call('HGET', KEYS[1], 'activeMinutes') or '0')
if active > 500 then active = 500 end
redis.call('ZADD', KEYS[3], string.format('%.0f', active * 1e13 + newest), ARGV[1])
local max = tonumber(ARGV[6])
local excess = redis.call('ZCARD', KEYS[2]) - max
if excess > 0 then
  local evicted = redis.call('ZPOPMIN', KEYS[3], excess)
  for i = 1, #evicted, 2 do
    redis.call('DEL', ARGV[7] .. evicted[i])
    redis.call('ZREM', KEYS[2], evicted[i])
  end
  -- Entries recorded before the rank index existed are only in the last-seen index.
  excess = redis.call('ZCARD', KEYS[2]) - max
  if excess > 0 then
    local old = redis.call('ZPOPMIN', KEYS[2], excess)
    for i = 1, #old, 2 do redis.call('DEL', ARGV[7] .. old[i]) end
  end
end
return 1
`);

function toPending(fields: Record<string, string>): PendingDevice | undefined {
  const { mn, firstSeen, lastSeen, sourceIp, frames, sampleFrame } = fields;
  // An empty hash means the entry was removed between the index read and this one.
  if (mn === undefined || lastSeen === undefined) return undefined;
  return { mn, firstSeen: firstSeen ?? lastSeen, lastSeen, sourceIp: sourceIp ?? '', frames: Number(frames ?? 0), sampleFrame: sampleFrame ?? '' };
}

/**
 * Create the Redis registry. `get` is cached in-process (see device-cache.ts); `put` on any process reaches
 * every gateway's cache through the `registry` channel, so changes apply without restart. Registering a device
 * removes it from the pending list.
 */
/** MNs per MGET of {@link fetchDevice}'s batches. */
const FETCH_CHUNK = 1000;

export function createRedisRegistry(options: RedisRegistryOptions): DeviceRegistry {
  const owned = typeof options.redis === 'string';
  const redis = typeof options.redis === 'string' ? new Redis(options.redis) : options.redis;
  const keys = registryKeys(options.prefix);
  const maxPending = options.maxPending ?? DEFAULT_CONFIG.tcp.pendingMax;
  const log = options.logger?.child({ component: 'registry' });
  const cache: DeviceCache | undefined = options.cache === false ? undefined : createDeviceCache(redis, keys.channel, log);

  /** MNs asked for while one I/O phase is handled, read with one MGET on the next setImmediate. */
  let asked: Map<string, Array<{ resolve: (d: Device | undefined) => void; reject: (err: unknown) => void }>> | undefined;

  async function fetchAsked(): Promise<void> {
    const batch = asked ?? new Map();
    asked = undefined;
    const mns = [...batch.keys()];
    for (let start = 0; start < mns.length; start += FETCH_CHUNK) {
      const some = mns.slice(start, start + FETCH_CHUNK);
      let records: Array<string | null>;
      try {
        records = await redis.mget(some.map(keys.device));
      } catch (err) {
        for (const mn of some) for (const w of batch.get(mn) ?? []) w.reject(err);
        continue;
      }
      some.forEach((mn, i) => {
        const json = records[i] ?? null;
        // A malformed record rejects its own MN's lookups only.
        let device: Device | undefined;
        try {
          device = json === null ? undefined : decodeDevice(mn, json);
        } catch (err) {
          for (const w of batch.get(mn) ?? []) w.reject(err);
          return;
        }
        for (const w of batch.get(mn) ?? []) w.resolve(device);
      });
    }
  }

  /**
   * One device record. A reconnecting fleet asks for thousands at once (every collector's first frame after a
   * restart): the MNs of one I/O phase go out as one MGET, not one GET (and reply) each.
   */
  function fetchDevice(mn: string): Promise<Device | undefined> {
    return new Promise((resolve, reject) => {
      if (!asked) {
        asked = new Map();
        setImmediate(() => void fetchAsked());
      }
      const waiting = asked.get(mn);
      if (waiting) waiting.push({ resolve, reject });
      else asked.set(mn, [{ resolve, reject }]);
    });
  }

  async function readAll(): Promise<Device[]> {
    const mns = (await redis.smembers(keys.devices)).sort();
    if (mns.length === 0) return [];
    const fetchMany = async (some: string[]): Promise<Array<Device | undefined>> => {
      const records = await redis.mget(some.map(keys.device));
      return records.map((json, i) => (json === null ? undefined : decodeDevice(some[i] ?? '', json)));
    };
    // With the cache, only records changed since the last listing are read and decoded.
    const devices = cache ? await cache.loadMany(mns, fetchMany) : await fetchMany(mns);
    return devices.filter((d): d is Device => d !== undefined);
  }

  /** Every device, indexed; with the cache, read again only after a device changed (API listings, /readings by site). */
  function indexed(): Promise<DeviceIndex> {
    const build = async (): Promise<DeviceIndex> => indexDevices(await readAll());
    return cache ? cache.whole(build) : build();
  }

  return {
    get(mn) {
      return cache ? cache.load(mn, () => fetchDevice(mn)) : fetchDevice(mn);
    },
    cached(mn) {
      return cache?.peek(mn);
    },
    async list() {
      return [...(await indexed()).all];
    },
    async find(lookup) {
      return lookUp(await indexed(), lookup);
    },
    async put(device) {
      const multi = redis
        .multi()
        .set(keys.device(device.mn), encodeDevice(device))
        .sadd(keys.devices, device.mn)
        .del(keys.pending(device.mn))
        .zrem(keys.pendingIndex, device.mn)
        .zrem(keys.pendingRank, device.mn)
        .publish(keys.channel, device.mn);
      await execAll(multi);
      cache?.invalidate(device.mn);
    },
    async recordPending({ mn, sourceIp, sampleFrame, at, frames = 1, valid = true }) {
      const args = [mn, at.toISOString(), at.getTime(), sourceIp, sampleFrame.slice(0, MAX_SAMPLE_CHARS), maxPending, keys.pendingPrefix, frames, valid ? '1' : '0'];
      await runScript(redis, RECORD_PENDING, [keys.pending(mn), keys.pendingIndex, keys.pendingRank], args);
    },
    async listPending() {
      const mns = await redis.zrevrange(keys.pendingIndex, 0, -1);
      if (mns.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const mn of mns) pipeline.hgetall(keys.pending(mn));
      const pending: PendingDevice[] = [];
      for (const fields of await execAll(pipeline)) {
        const entry = toPending(fields as Record<string, string>);
        if (entry) pending.push(entry);
      }
      return pending;
    },
    async removePending(mn) {
      await execAll(redis.multi().del(keys.pending(mn)).zrem(keys.pendingIndex, mn).zrem(keys.pendingRank, mn));
    },
    async close() {
      await cache?.close();
      if (owned) await redis.quit();
    },
  };
}
