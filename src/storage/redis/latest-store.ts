/**
 * The latest values (LatestStore port) in Redis: hash `latest:<MN>` under the deployment prefix, one field per kind
 * (layout below); read by integrations, written by the gateway's holder (src/server/latest-coalescer.ts). Takes a
 * connection owned by the caller (the gateway shares one, with auto-pipelining).
 */
import type { Redis } from 'ioredis';
import { DEFAULT_CONFIG } from '../../config.js';
import type { LatestEntry, LatestStore } from '../../domain/ports.js';
import { defineScript, runScript } from './util.js';

// Hash `latest:<MN>`, one field per kind (`realtime`, `minute` ...). Its value is one or more groups joined by U+001E;
// a group is the factors stored at one time: `<timeMs>␟<factor names JSON>␟<value names JSON>␟<rows JSON>` (␟ =
// U+001F; a row holds one factor's values in the order of the value names, null where absent). JSON text never holds
// a raw control character, so the separators cannot occur inside a group. A collector uploading the same factors every
// time keeps one group per kind, replaced whole (the fast path: no JSON decoded in Redis). Fields of the earlier layout
// (one per kind + factor: JSON [kind, factor] → `<timeMs>|<values JSON>`, or the whole entry as JSON) are still read;
// the newest time per kind + factor wins on read, and the cap counts them.

// ARGV: the cap on kind + factor entries per MN (HJ212_MAX_LATEST_FIELDS), the key prefix, then per MN: the MN, its
// number of kinds, per kind the field and its group. KEYS[1]: the first MN's hash (routing only; the hashes are named
// from the prefix, so the MN goes out once rather than twice). Returns the entries skipped by the cap.
const LATEST_MERGE = defineScript(`
local US, RS = '\\31', '\\30'
local cap = tonumber(ARGV[1])
local prefix = ARGV[2]
local skipped = 0
local function head(g)
  local a = string.find(g, US, 1, true)
  local b = string.find(g, US, a + 1, true)
  return tonumber(string.sub(g, 1, a - 1)), string.sub(g, a + 1, b - 1), b
end
local function parse(value)
  local groups = {}
  for g in string.gmatch(value, '[^' .. RS .. ']+') do
    local t, f, b = head(g)
    local c = string.find(g, US, b + 1, true)
    groups[#groups + 1] = { t = t, f = cjson.decode(f), s = string.sub(g, b + 1, c - 1), r = cjson.decode(string.sub(g, c + 1)) }
  end
  return groups
end
local function encode(groups)
  local out = {}
  for _, g in ipairs(groups) do
    if #g.f > 0 then out[#out + 1] = string.format('%.0f', g.t) .. US .. cjson.encode(g.f) .. US .. g.s .. US .. cjson.encode(g.r) end
  end
  return table.concat(out, RS)
end
local function keep(g, wanted)
  local f, r = {}, {}
  for j = 1, #g.f do
    if wanted(g.f[j]) then f[#f + 1] = g.f[j]; r[#r + 1] = g.r[j] end
  end
  g.f, g.r = f, r
end
-- Entries of the MN's other fields (old-layout fields: 1 each); old-layout fields of this kind that the new group
-- supersedes are deleted instead of counted.
local function others(key, kind, incoming, t)
  local all = redis.call('HGETALL', key)
  local n = 0
  for i = 1, #all, 2 do
    local field, value = all[i], all[i + 1]
    if string.sub(field, 1, 1) == '[' then
      local ok, kf = pcall(cjson.decode, field)
      local bar = string.find(value, '|', 1, true)
      if ok and type(kf) == 'table' and kf[1] == kind and incoming[kf[2]] and bar and (tonumber(string.sub(value, 1, bar - 1)) or 0) <= t then
        redis.call('HDEL', key, field)
      else
        n = n + 1
      end
    elseif field ~= kind then
      for _, g in ipairs(parse(value)) do n = n + #g.f end
    end
  end
  return n
end
local a = 3
while a <= #ARGV do
  local key = prefix .. ARGV[a]
  local kinds = tonumber(ARGV[a + 1])
  a = a + 2
  for _ = 1, kinds do
    local field, group = ARGV[a], ARGV[a + 1]
    a = a + 2
    local t, f = head(group)
    local current = redis.call('HGET', key, field)
    local ct, cf
    if current and not string.find(current, RS, 1, true) then ct, cf = head(current) end
    if cf == f then
      if ct <= t then redis.call('HSET', key, field, group) end
    else
      local new = parse(group)[1]
      local names = {}
      for j = 1, #new.f do names[new.f[j]] = true end
      local stored = current and parse(current) or {}
      local present = {}
      for _, g in ipairs(stored) do
        for j = 1, #g.f do present[g.f[j]] = g.t end
      end
      -- Per factor the newer time wins; equal times replace (a corrected resend of the same DataTime).
      for _, g in ipairs(stored) do keep(g, function(name) return not (names[name] and g.t <= t) end) end
      keep(new, function(name) return present[name] == nil or present[name] <= t end)
      local count = others(key, field, names, t)
      for _, g in ipairs(stored) do count = count + #g.f end
      for j = 1, #new.f do
        if present[new.f[j]] ~= nil then count = count + 1 end
      end
      local fresh = 0
      keep(new, function(name)
        if present[name] ~= nil then return true end
        fresh = fresh + 1
        if count + fresh > cap then skipped = skipped + 1; return false end
        return true
      end)
      stored[#stored + 1] = new
      local value = encode(stored)
      if value == '' then redis.call('HDEL', key, field) else redis.call('HSET', key, field, value) end
    end
  end
end
return skipped
`);

/** Entries per script call, so one EVAL never blocks Redis for long. */
const LATEST_CHUNK = 500;
const US = '\x1f';
const RS = '\x1e';

function compareEntries(a: LatestEntry, b: LatestEntry): number {
  return a.kind.localeCompare(b.kind) || a.factor.localeCompare(b.factor);
}

/** One group: entries of one MN + kind stored at one time, as `<timeMs>␟<factors>␟<value names>␟<rows>`. */
function encodeGroup(timeMs: number, list: readonly LatestEntry[]): string {
  const factors: string[] = [];
  const names: string[] = [];
  const column = new Map<string, number>();
  for (const e of list) {
    factors.push(e.factor);
    for (const name in e.values) if (!column.has(name)) column.set(name, names.push(name) - 1);
  }
  const rows = list.map((e) => {
    const row: Array<string | null> = new Array<string | null>(names.length).fill(null);
    for (const name in e.values) row[column.get(name) as number] = e.values[name] as string;
    return row;
  });
  return `${timeMs}${US}${JSON.stringify(factors)}${US}${JSON.stringify(names)}${US}${JSON.stringify(rows)}`;
}

/** The entries of a field of the current layout (one per kind). */
function decodeGroups(mn: string, kind: string, value: string): LatestEntry[] {
  const out: LatestEntry[] = [];
  for (const group of value.split(RS)) {
    const [t, f, s, r] = group.split(US);
    const factors = JSON.parse(f ?? '[]') as string[];
    const names = JSON.parse(s ?? '[]') as string[];
    const rows = JSON.parse(r ?? '[]') as unknown[];
    factors.forEach((factor, j) => {
      const values: Record<string, string> = {};
      const row = rows[j];
      if (Array.isArray(row)) {
        for (let k = 0; k < names.length; k++) if (typeof row[k] === 'string') values[names[k] as string] = row[k] as string;
      }
      out.push({ mn, factor, kind, timeMs: Number(t), values });
    });
  }
  return out;
}

/** A field of the earlier layouts: JSON [kind, factor] → `<timeMs>|<values JSON>` (or the whole entry as JSON). */
function decodeLegacy(mn: string, field: string, value: string): LatestEntry {
  const bar = value.indexOf('|');
  const parsed = JSON.parse(value.slice(bar + 1)) as Record<string, unknown>;
  if (typeof parsed.mn === 'string' && typeof parsed.values === 'object') return parsed as unknown as LatestEntry;
  const [kind, factor] = JSON.parse(field) as [string, string];
  return { mn, factor, kind, timeMs: Number(value.slice(0, bar)), values: parsed as Record<string, string> };
}

export interface RedisLatestOptions {
  prefix: string;
  /** Kind + factor entries kept per MN (HJ212_MAX_LATEST_FIELDS). */
  maxFields?: number;
}

/** Per MN, kind and factor the entry to write: nested maps, no key string built per entry. */
type Table = Map<string, Map<string, Map<string, LatestEntry>>>;

/** The entries by MN, kind and factor (the newest per factor; equal times: the later). */
function tableOf(entries: Iterable<LatestEntry>): Table {
  const table: Table = new Map();
  for (const e of entries) {
    let byKind = table.get(e.mn);
    if (!byKind) table.set(e.mn, (byKind = new Map()));
    let byFactor = byKind.get(e.kind);
    if (!byFactor) byKind.set(e.kind, (byFactor = new Map()));
    const before = byFactor.get(e.factor);
    // Equal times replace, as in the store.
    if (before === undefined || before.timeMs <= e.timeMs) byFactor.set(e.factor, e);
  }
  return table;
}

/**
 * Latest value per MN + kind + factor; never moves backwards in time, whatever order updates arrive in. Each
 * update() is written before it resolves: the gateway holds and coalesces (src/server/latest-coalescer.ts).
 */
export function createRedisLatest(redis: Redis, options: RedisLatestOptions): LatestStore {
  const { prefix, maxFields = DEFAULT_CONFIG.storageLimits.maxLatestFields } = options;
  const keyPrefix = `${prefix}latest:`;
  /** One script call per LATEST_CHUNK entries; per MN its kinds, per kind one group per time. */
  const write = async (table: Table): Promise<void> => {
    let args: Array<string | number> = [];
    let first: string | undefined;
    let count = 0;
    const send = async (): Promise<void> => {
      if (first !== undefined) await runScript(redis, LATEST_MERGE, [keyPrefix + first], [maxFields, keyPrefix, ...args]);
      args = [];
      first = undefined;
      count = 0;
    };
    for (const [mn, byKind] of table) {
      first ??= mn;
      const groups: string[] = [];
      for (const [kind, byFactor] of byKind) {
        // A collector's factors usually share their frame's time: one group.
        let times: Map<number, LatestEntry[]> | undefined;
        let only: number | undefined;
        for (const e of byFactor.values()) {
          only ??= e.timeMs;
          if (e.timeMs !== only) times ??= new Map();
        }
        if (times === undefined) groups.push(kind, encodeGroup(only as number, [...byFactor.values()]));
        else {
          for (const e of byFactor.values()) {
            const same = times.get(e.timeMs);
            if (same) same.push(e);
            else times.set(e.timeMs, [e]);
          }
          for (const [timeMs, list] of times) groups.push(kind, encodeGroup(timeMs, list));
        }
        count += byFactor.size;
      }
      args.push(mn, groups.length / 2, ...groups);
      if (count >= LATEST_CHUNK) await send();
    }
    await send();
  };
  return {
    update: (entries) => write(tableOf(entries)),
    async get(mn) {
      const stored = await redis.hgetall(keyPrefix + mn);
      const newest = new Map<string, LatestEntry>();
      const keepNewest = (e: LatestEntry): void => {
        const id = `${e.kind}\n${e.factor}`;
        const held = newest.get(id);
        if (!held || held.timeMs <= e.timeMs) newest.set(id, e);
      };
      // Earlier-layout fields first: an entry of the current layout with the same time wins.
      for (const [field, value] of Object.entries(stored)) if (field.startsWith('[')) keepNewest(decodeLegacy(mn, field, value));
      for (const [field, value] of Object.entries(stored)) if (!field.startsWith('[')) decodeGroups(mn, field, value).forEach(keepNewest);
      return [...newest.values()].sort(compareEntries);
    },
  };
}
