/**
 * Redis state of the checks pipeline besides the ledger entries. Keys under the deployment prefix:
 *   `repull:req:<mn>:<qn>`  JSON of one history request (kept 7 days for the ledger's attempt trail)
 *   `repull:slot:<mn>`      QN of the collector's outstanding request, with a TTL (collectors run one command at a time)
 *   `check:wm:<key>`        scan watermark (epoch ms), only moves forward
 *   `check:cursor:<name>`   a stream cursor (last reply id read)
 *   `check:lease:<name>`    owner of a lease, with a TTL
 *   `ledger:monthly:<YYYY-MM>`  hash of monthly rows (field `<mn>|<itemId>|<factor>|<kind>`)
 */
import type { Redis } from 'ioredis';
import type { CheckState, MonthlyRow, RepullTracker, RollupStore } from '../../domain/ledgers.js';
import { compareRows, rollupField } from '../ledger-query.js';
import { defineScript, execAll, runScript } from './util.js';

const REQUEST_TTL_S = 7 * 24 * 3600;

// KEYS: request, slot. ARGV: JSON, slot TTL ms, QN, request TTL s. A QN is used once; the slot is taken only when free.
const BEGIN = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
return 1
`);

// KEYS: request, slot. ARGV: JSON, QN, release ('1'), request TTL s.
const SAVE = defineScript(`
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
if ARGV[3] == '1' and redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
return 1
`);

const ADVANCE = defineScript(`
local cur = tonumber(redis.call('GET', KEYS[1]))
if not cur or cur < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
`);

const LEASE = defineScript(`
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

const RELEASE = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`);

/** History requests over a connection owned by the caller. */
export function createRedisRepullTracker(redis: Redis, prefix: string): RepullTracker {
  const reqKey = (mn: string, qn: string): string => `${prefix}repull:req:${mn}:${qn}`;
  const slotKey = (mn: string): string => `${prefix}repull:slot:${mn}`;
  return {
    async begin(request, ttlMs) {
      const r = await runScript(redis, BEGIN, [reqKey(request.mn, request.qn), slotKey(request.mn)], [JSON.stringify(request), Math.max(1, Math.round(ttlMs)), request.qn, REQUEST_TTL_S]);
      return Number(r) === 1;
    },
    async get(mn, qn) {
      const v = await redis.get(reqKey(mn, qn));
      return v === null ? undefined : JSON.parse(v);
    },
    async save(request, release) {
      await runScript(redis, SAVE, [reqKey(request.mn, request.qn), slotKey(request.mn)], [JSON.stringify(request), request.qn, release ? '1' : '0', REQUEST_TTL_S]);
    },
    async holder(mn) {
      return (await redis.get(slotKey(mn))) ?? undefined;
    },
  };
}

/** Watermarks, cursors and leases over a connection owned by the caller. */
export function createRedisCheckState(redis: Redis, prefix: string): CheckState {
  return {
    async watermark(key) {
      const v = await redis.get(`${prefix}check:wm:${key}`);
      return v === null ? undefined : Number(v);
    },
    async advance(key, ms) {
      await runScript(redis, ADVANCE, [`${prefix}check:wm:${key}`], [ms]);
    },
    async cursor(name) {
      return (await redis.get(`${prefix}check:cursor:${name}`)) ?? undefined;
    },
    async setCursor(name, value) {
      await redis.set(`${prefix}check:cursor:${name}`, value);
    },
    async lease(name, owner, ttlMs) {
      return Number(await runScript(redis, LEASE, [`${prefix}check:lease:${name}`], [owner, Math.max(1, Math.round(ttlMs))])) === 1;
    },
    async release(name, owner) {
      await runScript(redis, RELEASE, [`${prefix}check:lease:${name}`], [owner]);
    },
  };
}

/** Monthly rollups over a connection owned by the caller. */
export function createRedisRollupStore(redis: Redis, prefix: string): RollupStore {
  const key = (month: string): string => `${prefix}ledger:monthly:${month}`;
  return {
    async put(month, rows) {
      if (rows.length === 0) return;
      const fields: Record<string, string> = {};
      for (const row of rows) fields[rollupField(row)] = JSON.stringify(row);
      await execAll(redis.multi().hset(key(month), fields));
    },
    async get(month) {
      const all = await redis.hgetall(key(month));
      return Object.values(all)
        .map((v) => JSON.parse(v) as MonthlyRow)
        .sort(compareRows);
    },
  };
}
