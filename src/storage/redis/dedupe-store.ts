/**
 * The retransmit dedupe store (DedupeStore port) in Redis. Keys under the deployment prefix:
 *   `dedupe:<MN>`      sorted set: ids of frames already stored (retransmits are re-acked, not re-written), scored
 *                      by expiry; at most HJ212_DEDUPE_MAX_PER_DEVICE per collector
 *   `dedupe-mark:<MN>` hash: CN → newest DataTime stored (frames above it need no lookup); expires with the set
 * Takes a connection owned by the caller (the gateway shares one, with auto-pipelining).
 */
import type { Redis } from 'ioredis';
import { DEFAULT_CONFIG } from '../../config.js';
import type { DedupeStore } from '../../domain/ports.js';
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

// ARGV: now, ttl ms, cap per owner, the set and the marks key prefixes, then per owner: the owner, its ids joined by
// spaces (one argument, not one per id: ioredis encodes every argument on its own), the number of marks, then stream
// and mark pairs. Each touched set drops expired ids and, above the cap,
// the ids that expire first; a mark is only raised; both keys expire with the newest id. One command per batch; the
// keys are named from the prefixes (the owner goes out once, not in two key names); KEYS[1], the first owner's set,
// routes the call.
const REMEMBER = defineScript(`
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local a = 6
local trimmed = 0
while a <= #ARGV do
  local set = ARGV[4] .. ARGV[a]
  local marks = ARGV[5] .. ARGV[a]
  local n = 0
  for id in string.gmatch(ARGV[a + 1], '%S+') do
    redis.call('ZADD', set, now + ttl, id)
    n = n + 1
  end
  a = a + 2
  local m = tonumber(ARGV[a])
  for j = a + 1, a + 2 * m, 2 do
    local current = redis.call('HGET', marks, ARGV[j])
    if not current or tonumber(current) < tonumber(ARGV[j + 1]) then redis.call('HSET', marks, ARGV[j], ARGV[j + 1]) end
  end
  a = a + 2 * m + 1
  if n > 0 then
    redis.call('ZREMRANGEBYSCORE', set, '-inf', now)
    local c = redis.call('ZCARD', set)
    if c > cap then trimmed = trimmed + redis.call('ZREMRANGEBYRANK', set, 0, c - cap - 1) end
    redis.call('PEXPIRE', set, ttl)
  end
  if m > 0 then redis.call('PEXPIRE', marks, ttl) end
end
return trimmed
`);

// ARGV[1] the marks key prefix, then the owners; KEYS[1] the first owner's hash (routing only). Returns per owner its
// hash as a flat field/value list (empty when it has none).
const MARKS = defineScript(`
local out = {}
for i = 2, #ARGV do out[i - 1] = redis.call('HGETALL', ARGV[1] .. ARGV[i]) end
return out
`);

const WHITESPACE = /\s/;
const WHITESPACES = /\s/g;

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
  // Ids go to the remember script joined by spaces: whitespace inside one (a DataTime that is not a time) becomes `_`,
  // for lookups too. The id's fingerprint covers the CP text, so two frames this merges are the same frame anyway.
  const member = (id: string): string => (WHITESPACE.test(id) ? id.replace(WHITESPACES, '_') : id);
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
          args.push(member(id));
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
      const byOwner = new Map<string, { ids: string; count: number; marks: Array<string | number> }>();
      const group = (owner: string): { ids: string; count: number; marks: Array<string | number> } => {
        let g = byOwner.get(owner);
        if (!g) byOwner.set(owner, (g = { ids: '', count: 0, marks: [] }));
        return g;
      };
      for (const key of keys) {
        const [owner, id] = split(key);
        const g = group(owner);
        g.ids = g.count++ === 0 ? member(id) : `${g.ids} ${member(id)}`;
      }
      for (const m of marks) group(m.owner).marks.push(m.stream, m.mark);
      let first: string | undefined;
      let args: Array<string | number> = [];
      let ids = 0;
      const send = async (): Promise<void> => {
        if (first !== undefined) await runScript(redis, REMEMBER, [setOf(first)], [now(), ttlSeconds * 1000, maxPerOwner, setOf(''), marksOf(''), ...args]);
        first = undefined;
        args = [];
        ids = 0;
      };
      for (const [owner, g] of byOwner) {
        first ??= owner;
        args.push(owner, g.ids, g.marks.length / 2, ...g.marks);
        ids += g.count;
        if (ids + args.length >= SCRIPT_CHUNK) await send();
      }
      await send();
    },
    async marks(owners) {
      const out = new Map<string, Map<string, number>>();
      // One script call per chunk of owners, not one HGETALL command (and promise) each: a restarted gateway loads
      // the marks of a whole reconnecting fleet in its first second.
      for (let start = 0; start < owners.length; start += SCRIPT_CHUNK) {
        const chunk = owners.slice(start, start + SCRIPT_CHUNK);
        const found = (await runScript(redis, MARKS, [marksOf(chunk[0] as string)], [marksOf(''), ...chunk])) as string[][];
        chunk.forEach((owner, i) => {
          const flat = found[i] ?? [];
          const streams = new Map<string, number>();
          for (let j = 0; j + 1 < flat.length; j += 2) {
            const mark = Number(flat[j + 1]);
            if (Number.isFinite(mark)) streams.set(flat[j] as string, mark);
          }
          if (streams.size > 0) out.set(owner, streams);
        });
      }
      return out;
    },
  };
}
