/**
 * Redis implementations of the small ingest ports. Keys under the deployment prefix:
 *   `dedupe:<key>`   "1" with a TTL: a frame already stored (retransmits are re-acked, not re-written)
 *   `latest:<MN>`    hash: JSON [kind, factor] → "<timeMs>|<LatestEntry JSON>"
 *   (the raw frame archive `frames` is in redis-archive.ts)
 * Each takes a connection owned by the caller (the gateway shares one, with auto-pipelining).
 */
import type { Redis } from 'ioredis';
import type { DedupeStore, LatestEntry, LatestStore } from '../domain/ports.js';
import { defineScript, runScript } from './redis-util.js';

// One command for a whole batch of keys: a pipeline of SETs cost the client one command object per key.
const REMEMBER = defineScript(`
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], '1', 'EX', ARGV[1])
end
return #KEYS
`);

/** Batches larger than this are split so one script never blocks Redis for long. */
const SCRIPT_CHUNK = 2000;

/** Dedupe keys expire after `ttlSeconds` (HJ212_DEDUPE_TTL_S). */
export function createRedisDedupe(redis: Redis, options: { prefix: string; ttlSeconds: number }): DedupeStore {
  const { prefix, ttlSeconds } = options;
  const keyOf = (key: string): string => `${prefix}dedupe:${key}`;
  return {
    async seen(keys) {
      if (keys.length === 0) return new Set();
      const values = await redis.mget(keys.map(keyOf));
      const seen = new Set<string>();
      values.forEach((value, i) => {
        const key = keys[i];
        if (value !== null && key !== undefined) seen.add(key);
      });
      return seen;
    },
    async remember(keys) {
      for (let start = 0; start < keys.length; start += SCRIPT_CHUNK) {
        await runScript(redis, REMEMBER, keys.slice(start, start + SCRIPT_CHUNK).map(keyOf), [ttlSeconds]);
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
  const { prefix, maxFields = 4096 } = options;
  const keyOf = (mn: string): string => `${prefix}latest:${mn}`;
  // Hash field per kind + factor: a few dozen distinct values, kept instead of stringified per entry (building the
  // arguments was the largest self time of the gateway's own Redis code in the ingest benchmark).
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
