/**
 * Redis implementations of the small ingest ports. Keys under the deployment prefix:
 *   `dedupe:<MN>`    sorted set: ids of frames already stored (retransmits are re-acked, not re-written), scored
 *                    by expiry; at most HJ212_DEDUPE_MAX_PER_DEVICE per collector
 *   `dedupe-mark:<MN>` hash: CN → newest DataTime stored (frames above it need no lookup); expires with the set
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

// KEYS: per owner its set and its marks hash. ARGV: now, ttl ms, cap per owner, then per owner: the number of ids,
// the ids, the number of marks, then stream and mark pairs. Each touched set drops expired ids and, above the cap,
// the ids that expire first; a mark is only raised; both keys expire with the newest id. One command per batch.
const REMEMBER = defineScript(`
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local a = 4
local trimmed = 0
for k = 1, #KEYS, 2 do
  local set = KEYS[k]
  local n = tonumber(ARGV[a])
  for j = a + 1, a + n do redis.call('ZADD', set, now + ttl, ARGV[j]) end
  a = a + n + 1
  local m = tonumber(ARGV[a])
  for j = a + 1, a + 2 * m, 2 do
    local current = redis.call('HGET', KEYS[k + 1], ARGV[j])
    if not current or tonumber(current) < tonumber(ARGV[j + 1]) then redis.call('HSET', KEYS[k + 1], ARGV[j], ARGV[j + 1]) end
  end
  a = a + 2 * m + 1
  if n > 0 then
    redis.call('ZREMRANGEBYSCORE', set, '-inf', now)
    local c = redis.call('ZCARD', set)
    if c > cap then trimmed = trimmed + redis.call('ZREMRANGEBYRANK', set, 0, c - cap - 1) end
    redis.call('PEXPIRE', set, ttl)
  end
  if m > 0 then redis.call('PEXPIRE', KEYS[k + 1], ttl) end
end
return trimmed
`);

/** Batches larger than this are split so one script never blocks Redis for long. */
const SCRIPT_CHUNK = 2000;

/**
 * Dedupe keys expire after `ttlSeconds` (HJ212_DEDUPE_TTL_S); each owner keeps at most `maxPerOwner`
 * (HJ212_DEDUPE_MAX_PER_DEVICE), the soonest-expiring go first. Marks live in the hash `dedupe-mark:<owner>`.
 * `now` is the clock (tests pass their own).
 */
export function createRedisDedupe(redis: Redis, options: { prefix: string; ttlSeconds: number; maxPerOwner?: number; now?: () => number }): DedupeStore {
  const { prefix, ttlSeconds, maxPerOwner = DEFAULT_CONFIG.dedupeMaxPerDevice, now = Date.now } = options;
  const split = (key: string): [string, string] => {
    const bar = key.lastIndexOf('|');
    return bar < 0 ? ['', key] : [key.slice(0, bar), key.slice(bar + 1)];
  };
  const setOf = (owner: string): string => `${prefix}dedupe:${owner}`;
  const marksOf = (owner: string): string => `${prefix}dedupe-mark:${owner}`;
  return {
    async seen(keys) {
      const seen = new Set<string>();
      for (let start = 0; start < keys.length; start += SCRIPT_CHUNK) {
        const chunk = keys.slice(start, start + SCRIPT_CHUNK);
        const sets: string[] = [];
        const args: Array<string | number> = [now()];
        for (const key of chunk) {
          const [owner, id] = split(key);
          sets.push(setOf(owner));
          args.push(id);
        }
        const found = (await runScript(redis, SEEN, sets, args)) as number[];
        chunk.forEach((key, i) => {
          if (found[i] === 1) seen.add(key);
        });
      }
      return seen;
    },
    async remember(keys, marks = []) {
      // Grouped by owner: its key names go out once per batch, not once per frame.
      const byOwner = new Map<string, { ids: string[]; marks: Array<string | number> }>();
      const group = (owner: string): { ids: string[]; marks: Array<string | number> } => {
        let g = byOwner.get(owner);
        if (!g) byOwner.set(owner, (g = { ids: [], marks: [] }));
        return g;
      };
      for (const key of keys) {
        const [owner, id] = split(key);
        group(owner).ids.push(id);
      }
      for (const m of marks) group(m.owner).marks.push(m.stream, m.mark);
      let names: string[] = [];
      let args: Array<string | number> = [];
      const send = async (): Promise<void> => {
        if (names.length > 0) await runScript(redis, REMEMBER, names, [now(), ttlSeconds * 1000, maxPerOwner, ...args]);
        names = [];
        args = [];
      };
      for (const [owner, g] of byOwner) {
        names.push(setOf(owner), marksOf(owner));
        args.push(g.ids.length, ...g.ids, g.marks.length / 2, ...g.marks);
        if (args.length >= SCRIPT_CHUNK) await send();
      }
      await send();
    },
    async marks(owners) {
      const out = new Map<string, Map<string, number>>();
      const found = await Promise.all(owners.map((owner) => redis.hgetall(marksOf(owner))));
      owners.forEach((owner, i) => {
        const hash = found[i] ?? {};
        const streams = new Map<string, number>();
        for (const stream of Object.keys(hash)) {
          const mark = Number(hash[stream]);
          if (Number.isFinite(mark)) streams.set(stream, mark);
        }
        if (streams.size > 0) out.set(owner, streams);
      });
      return out;
    },
  };
}

// Compare-and-set per entry, all in one round trip: the stored value starts with its timeMs so the script
// compares without decoding JSON. Equal times replace (a corrected resend of the same DataTime wins).
// KEYS: one hash per MN. ARGV[1] is the field cap per hash: a new kind + factor field is added only while the hash
// has fewer fields (HJ212_MAX_LATEST_FIELDS; existing fields are always updated); then per MN the number of entries
// and per entry field, timeMs, values.
const LATEST_CAS = defineScript(`
local cap = tonumber(ARGV[1])
local skipped = 0
local a = 2
for i = 1, #KEYS do
  local n = tonumber(ARGV[a])
  for j = a + 1, a + 3 * n, 3 do
    local field = ARGV[j]
    local t = tonumber(ARGV[j + 1])
    local current = redis.call('HGET', KEYS[i], field)
    local bar = current and string.find(current, '|', 1, true)
    if not current and redis.call('HLEN', KEYS[i]) >= cap then
      skipped = skipped + 1
    elseif not bar or tonumber(string.sub(current, 1, bar - 1)) <= t then
      redis.call('HSET', KEYS[i], field, ARGV[j + 1] .. '|' .. ARGV[j + 2])
    end
  end
  a = a + 3 * n + 1
end
return skipped
`);

/** Entries per script call, so one EVAL never blocks Redis for long. */
const LATEST_CHUNK = 500;
/** Distinct kind + factor fields remembered by {@link createRedisLatest}; more is unusual (custom factor codes). */
const MAX_FIELDS = 10_000;

function compareEntries(a: LatestEntry, b: LatestEntry): number {
  return a.kind.localeCompare(b.kind) || a.factor.localeCompare(b.factor);
}

/** A stored value: `<timeMs>|<values JSON>`; earlier versions stored the whole entry as JSON after the bar. */
function decodeLatest(mn: string, field: string, value: string): LatestEntry {
  const bar = value.indexOf('|');
  const parsed = JSON.parse(value.slice(bar + 1)) as Record<string, unknown>;
  if (typeof parsed.mn === 'string' && typeof parsed.values === 'object') return parsed as unknown as LatestEntry;
  const [kind, factor] = JSON.parse(field) as [string, string];
  return { mn, factor, kind, timeMs: Number(value.slice(0, bar)), values: parsed as Record<string, string> };
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
  const send = async (byMn: Map<string, LatestEntry[]>): Promise<void> => {
    const keys: string[] = [];
    const args: Array<string | number> = [maxFields];
    for (const [mn, list] of byMn) {
      keys.push(keyOf(mn));
      args.push(list.length);
      for (const e of list) args.push(fieldOf(e), e.timeMs, JSON.stringify(e.values));
    }
    if (keys.length > 0) await runScript(redis, LATEST_CAS, keys, args);
  };
  return {
    async update(entries) {
      // Grouped by MN: each hash name goes out once per call, not once per factor.
      let byMn = new Map<string, LatestEntry[]>();
      let count = 0;
      for (const e of entries) {
        let list = byMn.get(e.mn);
        if (!list) byMn.set(e.mn, (list = []));
        list.push(e);
        if (++count >= LATEST_CHUNK) {
          await send(byMn);
          byMn = new Map();
          count = 0;
        }
      }
      await send(byMn);
    },
    async get(mn) {
      const stored = await redis.hgetall(keyOf(mn));
      const entries = Object.entries(stored).map(([field, value]) => decodeLatest(mn, field, value));
      return entries.sort(compareEntries);
    },
  };
}
