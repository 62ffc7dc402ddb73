/**
 * Redis implementation of the ledger store. Keys under the deployment prefix:
 *   `ledger:e:<id>`                    JSON of one entry (ids are deterministic: `gap:<mn>:<factor>:<kind>:<start>`)
 *   `ledger:idx:<type>[:mn|ent|site|state:<v>]`  sorted sets of ids scored by periodStart
 *   `ledger:active:<mn>`               sorted set of the collector's gaps still waiting for data
 * Creation and every update run as one Lua script that checks existence / version and moves the entry between
 * indexes atomically, so retries, concurrent workers and restarts can never produce a second entry or a stale index.
 */
import type { Redis } from 'ioredis';
import type { LedgerEntry, LedgerStore } from '../../domain/ledgers.js';
import { indexNameFor, indexNamesOf, matchesQuery, paginate, upgradeEntry } from '../ledger-query.js';
import { defineScript, runScript } from './util.js';

// KEYS[1] entry; KEYS[2 .. 1+ARGV[4]] indexes to add the id to; the remaining KEYS indexes to remove it from.
// ARGV: expected version ('' = create), JSON, id, number of add-indexes, score. Returns 1 stored, 0 exists,
// -1 missing, -2 version conflict.
const PUT = defineScript(`
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if cur then return 0 end
else
  if not cur then return -1 end
  if tostring(cjson.decode(cur).version) ~= ARGV[1] then return -2 end
end
redis.call('SET', KEYS[1], ARGV[2])
local nAdd = tonumber(ARGV[4])
for i = 2, #KEYS do
  if i <= nAdd + 1 then redis.call('ZADD', KEYS[i], ARGV[5], ARGV[3]) else redis.call('ZREM', KEYS[i], ARGV[3]) end
end
return 1
`);

/** Longest period of a gap, anomaly or back-fill (a day): the lower score bound of a time-filtered listing. */
const MAX_SHORT_PERIOD_MS = 86_400_000;
/** Concurrent updates of one entry retry this many times before giving up. */
const MAX_CAS_RETRIES = 20;
const MGET_CHUNK = 500;

export interface RedisLedgerOptions {
  redis: Redis;
  prefix: string;
}

/** Ledger store over a connection owned by the caller. */
export function createRedisLedgerStore(options: RedisLedgerOptions): LedgerStore {
  const { redis } = options;
  const base = `${options.prefix}ledger:`;
  const entryKey = (id: string): string => `${base}e:${id}`;

  async function put(entry: LedgerEntry, expectedVersion: string, previous: LedgerEntry | undefined): Promise<number> {
    const add = indexNamesOf(entry).map((n) => base + n);
    const remove = previous ? indexNamesOf(previous).map((n) => base + n).filter((k) => !add.includes(k)) : [];
    const result = await runScript(redis, PUT, [entryKey(entry.id), ...add, ...remove], [expectedVersion, JSON.stringify(entry), entry.id, add.length, entry.periodStart]);
    return Number(result);
  }

  async function getMany(ids: readonly string[]): Promise<Array<LedgerEntry | undefined>> {
    const out: Array<LedgerEntry | undefined> = [];
    for (let i = 0; i < ids.length; i += MGET_CHUNK) {
      const chunk = ids.slice(i, i + MGET_CHUNK);
      if (chunk.length === 0) continue;
      const values = await redis.mget(chunk.map(entryKey));
      for (const v of values) out.push(v === null ? undefined : upgradeEntry(JSON.parse(v) as LedgerEntry));
    }
    return out;
  }

  return {
    async create(entry) {
      return (await put(entry, '', undefined)) === 1;
    },
    async get(id) {
      const v = await redis.get(entryKey(id));
      return v === null ? undefined : upgradeEntry(JSON.parse(v) as LedgerEntry);
    },
    getMany,
    async update<T extends LedgerEntry>(id: string, change: (current: T) => T | undefined) {
      for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
        const raw = await redis.get(entryKey(id));
        if (raw === null) return undefined;
        const current = JSON.parse(raw) as T;
        const next = change(upgradeEntry(JSON.parse(raw) as T));
        if (!next) return undefined;
        const stored = { ...next, version: current.version + 1 };
        const result = await put(stored, String(current.version), current);
        if (result === 1) return stored;
        if (result === -1) return undefined;
      }
      throw new Error(`ledger entry ${id}: too many concurrent updates`);
    },
    async list(q) {
      const min = q.from === undefined || q.type === 'registration' ? '-inf' : String(q.from - MAX_SHORT_PERIOD_MS);
      const max = q.to === undefined ? '+inf' : `(${q.to}`;
      const ids = await redis.zrangebyscore(base + indexNameFor(q), min, max);
      const entries = (await getMany(ids)).filter((e): e is LedgerEntry => e !== undefined && matchesQuery(e, q));
      return paginate(entries, q) as never;
    },
    async activeGapIds(mn) {
      return redis.zrange(`${base}active:${mn}`, 0, -1);
    },
  };
}
