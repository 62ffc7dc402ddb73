/**
 * The command ledger in Redis. Keys under the deployment prefix:
 *   `command:<id>`            JSON of the CommandEntry, expires after the TTL (HJ212_COMMAND_TTL_S)
 *   `command-qn:<MN>:<QN>`    the id answering to a collector's QN (same TTL)
 *   `commands:mn:<MN>`        sorted set of a collector's ids by creation time, at most HJ212_COMMAND_KEEP_PER_MN
 *   `commands`                sorted set of all ids by creation time, at most HJ212_COMMAND_KEEP_TOTAL
 *   `commands:due`            sorted set of unfinished ids by deadline (the worker's sweeper reads it)
 * Index entries older than the TTL are dropped when a command is created; an id whose entry expired is skipped.
 */
import type { Redis } from 'ioredis';
import type { CommandEntry, CommandLedger, CommandSettings } from '../../domain/commands.js';
import { defineScript, runScript } from './util.js';

// KEYS: entry, qn, per-MN index, all index, due. ARGV: id, JSON, ttl ms, createdAt, deadline ('' none), keepPerMn,
// keepTotal, entry key prefix. Evicted entries are deleted with their index and due members.
const CREATE = defineScript(`
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
local at = tonumber(ARGV[4])
redis.call('ZADD', KEYS[3], at, ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
redis.call('ZADD', KEYS[4], at, ARGV[1])
if ARGV[5] ~= '' then redis.call('ZADD', KEYS[5], tonumber(ARGV[5]), ARGV[1]) end
local oldest = at - tonumber(ARGV[3])
local function trim(index, keep)
  redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. oldest)
  local excess = redis.call('ZCARD', index) - keep
  if excess > 0 then
    local evicted = redis.call('ZPOPMIN', index, excess)
    for i = 1, #evicted, 2 do
      redis.call('DEL', ARGV[8] .. evicted[i])
      redis.call('ZREM', KEYS[5], evicted[i])
      redis.call('ZREM', KEYS[4], evicted[i])
    end
  end
end
trim(KEYS[3], tonumber(ARGV[6]))
trim(KEYS[4], tonumber(ARGV[7]))
return 1
`);

// KEYS: entry, due. ARGV: expected JSON, new JSON, id, deadline ('' = not due). Compare-and-set on the whole JSON.
const UPDATE = defineScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
if ARGV[4] == '' then redis.call('ZREM', KEYS[2], ARGV[3]) else redis.call('ZADD', KEYS[2], tonumber(ARGV[4]), ARGV[3]) end
return 1
`);

const MAX_CAS_RETRIES = 20;
/** Index members read per round trip when listing. */
const PAGE = 200;

export function createRedisCommandLedger(redis: Redis, options: { prefix: string; settings: Pick<CommandSettings, 'ttlMs' | 'keepPerMn' | 'keepTotal'> }): CommandLedger {
  const { prefix, settings } = options;
  const entryKey = (id: string): string => `${prefix}command:${id}`;
  const qnKey = (mn: string, qn: string): string => `${prefix}command-qn:${mn}:${qn}`;
  const mnIndex = (mn: string): string => `${prefix}commands:mn:${mn}`;
  const allIndex = `${prefix}commands`;
  const dueKey = `${prefix}commands:due`;
  const parse = (raw: string | null): CommandEntry | undefined => (raw === null ? undefined : (JSON.parse(raw) as CommandEntry));

  return {
    async create(entry) {
      const created = await runScript(
        redis,
        CREATE,
        [entryKey(entry.id), qnKey(entry.mn, entry.qn), mnIndex(entry.mn), allIndex, dueKey],
        [entry.id, JSON.stringify(entry), settings.ttlMs, entry.createdAt, entry.deadline ?? '', settings.keepPerMn, settings.keepTotal, `${prefix}command:`],
      );
      return created === 1;
    },
    async get(id) {
      return parse(await redis.get(entryKey(id)));
    },
    async byQn(mn, qn) {
      const id = await redis.get(qnKey(mn, qn));
      return id === null ? undefined : parse(await redis.get(entryKey(id)));
    },
    async update(id, change) {
      for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
        const raw = await redis.get(entryKey(id));
        if (raw === null) return undefined;
        const next = change(JSON.parse(raw) as CommandEntry);
        if (!next) return undefined;
        const json = JSON.stringify(next);
        const deadline = next.final || next.deadline === undefined ? '' : next.deadline;
        if ((await runScript(redis, UPDATE, [entryKey(id), dueKey], [raw, json, id, deadline])) === 1) return next;
      }
      throw new Error(`command ${id}: too many concurrent updates`);
    },
    async list(q) {
      const index = q.mn === undefined ? allIndex : mnIndex(q.mn);
      const found: CommandEntry[] = [];
      const max = q.before === undefined ? '+inf' : String(q.before.createdAt);
      let offset = 0;
      for (;;) {
        const flat = await redis.zrevrangebyscore(index, max, '-inf', 'WITHSCORES', 'LIMIT', offset, PAGE);
        if (flat.length === 0) return found;
        const ids: string[] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) {
          const id = flat[i] as string;
          const score = Number(flat[i + 1]);
          // Same creation time as the cursor: members come in reverse id order, so only smaller ids are older.
          if (q.before && score === q.before.createdAt && id >= q.before.id) continue;
          ids.push(id);
        }
        const entries = ids.length === 0 ? [] : await redis.mget(ids.map(entryKey));
        for (const raw of entries) {
          const entry = parse(raw);
          if (!entry || (q.state !== undefined && entry.state !== q.state) || (q.mns !== undefined && !q.mns.has(entry.mn))) continue;
          found.push(entry);
          if (found.length >= q.limit) return found;
        }
        if (flat.length < PAGE * 2) return found;
        offset += PAGE;
      }
    },
    async due(now, limit) {
      return redis.zrangebyscore(dueKey, '-inf', now, 'LIMIT', 0, limit);
    },
    async forget(id) {
      await redis.zrem(dueKey, id);
    },
  };
}
