/**
 * Redis implementations of the small ingest ports. Keys under the deployment prefix:
 *   `dedupe:<MN>`    sorted set: ids of frames already stored (retransmits are re-acked, not re-written), scored
 *                    by expiry; at most HJ212_DEDUPE_MAX_PER_DEVICE per collector
 *   `latest:<MN>`    hash: JSON [kind, factor] → "<timeMs>|<LatestEntry JSON>"
 *   (the raw frame archive `frames` is in archive.ts)
 * Each takes a connection owned by the caller (the gateway shares one, with auto-pipelining).
 */
import type { Redis } from 'ioredis';
import { DEFAULT_CONFIG } from '../../config.js';
import type { DedupeStore, LatestEntry, LatestStore } from '../../domain/ports.js';
import { defineScript, runScript } from './util.js';

// Per owner (collector) one sorted set `dedupe:<owner>`: member = the key's id, score = its expiry (epoch ms).
// KEYS: the set of each key; ARGV[1] now, then the ids. Returns 1 per id still remembered, else 0.
const SEEN = defineScript(`
local now = tonumber(ARGV[1])
local out = {}
for i = 1, #KEYS do
  local s = redis.call('ZSCORE', KEYS[i], ARGV[i + 1])
  if s and tonumber(s) > now then out[i] = 1 else out[i] = 0 end
end
return out
`);

// ARGV: now, ttl ms, cap per owner, then the ids. Each touched set drops expired ids and, above the cap, the ids
// that expire first; the set itself expires with its newest id. One command per batch.
const REMEMBER = defineScript(`
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local touched = {}
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], now + ttl, ARGV[i + 3])
  touched[KEYS[i]] = true
end
local trimmed = 0
for k in pairs(touched) do
  redis.call('ZREMRANGEBYSCORE', k, '-inf', now)
  local n = redis.call('ZCARD', k)
  if n > cap then trimmed = trimmed + redis.call('ZREMRANGEBYRANK', k, 0, n - cap - 1) end
  redis.call('PEXPIRE', k, ttl)
end
return trimmed
`);

/** Batches larger than this are split so one script never blocks Redis for long. */
const SCRIPT_CHUNK = 2000;

/**
 * Dedupe keys expire after `ttlSeconds` (HJ212_DEDUPE_TTL_S); each owner keeps at most `maxPerOwner`
 * (HJ212_DEDUPE_MAX_PER_DEVICE), the soonest-expiring go first. `now` is the clock (tests pass their own).
 */
export function createRedisDedupe(redis: Redis, options: { prefix: string; ttlSeconds: number; maxPerOwner?: number; now?: () => number }): DedupeStore {
  const { prefix, ttlSeconds, maxPerOwner = DEFAULT_CONFIG.dedupeMaxPerDevice, now = Date.now } = options;
  const split = (key: string): [string, string] => {
    const bar = key.lastIndexOf('|');
    return bar < 0 ? [`${prefix}dedupe:`, key] : [`${prefix}dedupe:${key.slice(0, bar)}`, key.slice(bar + 1)];
  };
  return {
    async seen(keys) {
      const seen = new Set<string>();
      for (let start = 0; start < keys.length; start += SCRIPT_CHUNK) {
        const chunk = keys.slice(start, start + SCRIPT_CHUNK);
        const sets: string[] = [];
        const args: Array<string | number> = [now()];
        for (const key of chunk) {
          const [set, id] = split(key);
          sets.push(set);
          args.push(id);
        }
        const found = (await runScript(redis, SEEN, sets, args)) as number[];
        chunk.forEach((key, i) => {
          if (found[i] === 1) seen.add(key);
        });
      }
      return seen;
    },
    async remember(keys) {
      for (let start = 0; start < keys.length; start += SCRIPT_CHUNK) {
        const sets: string[] = [];
        const args: Array<string | number> = [now(), ttlSeconds * 1000, maxPerOwner];
        for (const key of keys.slice(start, start + SCRIPT_CHUNK)) {
          const [set, id] = split(key);
          sets.push(set);
          args.push(id);
        }
        await runScript(redis, REMEMBER, sets, args);
      }
    },
  };
}

// Compare-and-set per entry, all in one round trip: the stored value starts with its timeMs so the script
// compares without decoding JSON. Equal times replace (a corrected resend of the same DataTime wins).
// ARGV[1] is the field cap per hash: a new kind + factor field is added only while the hash has fewer fields
// (HJ212_MAX_LATEST_FIELDS; existing fields are always updated).
const LATEST_CAS = defineScript(`
local cap = tonumber(ARGV[1])
local skipped = 0
for i = 1, #KEYS do
  local field = ARGV[3 * i - 1]
  local t = tonumber(ARGV[3 * i])
  local current = redis.call('HGET', KEYS[i], field)
  local bar = current and string.find(current, '|', 1, true)
  if not current and redis.call('HLEN', KEYS[i]) >= cap then
    skipped = skipped + 1
  elseif not bar or tonumber(string.sub(current, 1, bar - 1)) <= t then
    redis.call('HSET', KEYS[i], field, ARGV[3 * i] .. '|' .. ARGV[3 * i + 1])
  end
end
return skipped
`);

/** Batches larger than this are split so one EVAL never blocks Redis for long. */
const LATEST_CHUNK = 500;
/** Distinct kind + factor fields remembered by {@link createRedisLatest}; more is unusual (custom factor codes). */
const MAX_FIELDS = 10_000;

function compareEntries(a: LatestEntry, b: LatestEntry): number {
  return a.kind.localeCompare(b.kind) || a.factor.localeCompare(b.factor);
}

/** Latest value per MN + kind + factor; never moves backwards in time, whatever order updates arrive in. */
export function createRedisLatest(redis: Redis, options: { prefix: string; maxFields?: number }): LatestStore {
  const { prefix, maxFields = DEFAULT_CONFIG.storageLimits.maxLatestFields } = options;
  const keyOf = (mn: string): string => `${prefix}latest:${mn}`;
  // Hash field per kind + factor: a few dozen distinct values, kept instead of stringified per entry (building the
  // arguments is on the per-frame path).
  const fields = new Map<string, string>();
  const fieldOf = (e: LatestEntry): string => {
    const id = `${e.kind}\n${e.factor}`;
    let field = fields.get(id);
    if (field === undefined) {
      if (fields.size >= MAX_FIELDS) fields.clear();
      fields.set(id, (field = JSON.stringify([e.kind, e.factor])));
    }
    return field;
  };
  return {
    async update(entries) {
      for (let start = 0; start < entries.length; start += LATEST_CHUNK) {
        const keys: string[] = [];
        const args: Array<string | number> = [maxFields];
        for (let i = start; i < Math.min(entries.length, start + LATEST_CHUNK); i++) {
          const e = entries[i] as LatestEntry;
          keys.push(keyOf(e.mn));
          args.push(fieldOf(e), e.timeMs, JSON.stringify(e));
        }
        await runScript(redis, LATEST_CAS, keys, args);
      }
    },
    async get(mn) {
      const stored = await redis.hgetall(keyOf(mn));
      const entries = Object.values(stored).map((value) => JSON.parse(value.slice(value.indexOf('|') + 1)) as LatestEntry);
      return entries.sort(compareEntries);
    },
  };
}
