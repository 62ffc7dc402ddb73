/**
 * Redis implementations of the small ingest ports. Keys under the deployment prefix:
 *   `dedupe:<key>`   "1" with a TTL: a frame already stored (retransmits are re-acked, not re-written)
 *   `latest:<MN>`    hash: JSON [kind, factor] → "<timeMs>|<LatestEntry JSON>"
 *   `frames`         stream of archived raw frames, approximately trimmed to a maximum length
 * Each takes a connection owned by the caller (the gateway shares one, with auto-pipelining).
 */
import type { Redis } from 'ioredis';
import type { ArchivedFrame, DedupeStore, FrameArchive, LatestEntry, LatestStore } from '../domain/ports.js';
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
const LATEST_CAS = defineScript(`
for i = 1, #KEYS do
  local field = ARGV[3 * i - 2]
  local t = tonumber(ARGV[3 * i - 1])
  local current = redis.call('HGET', KEYS[i], field)
  local bar = current and string.find(current, '|', 1, true)
  if not bar or tonumber(string.sub(current, 1, bar - 1)) <= t then
    redis.call('HSET', KEYS[i], field, ARGV[3 * i - 1] .. '|' .. ARGV[3 * i])
  end
end
return #KEYS
`);

/** Batches larger than this are split so one EVAL never blocks Redis for long. */
const LATEST_CHUNK = 500;
/** Distinct kind + factor fields remembered by {@link createRedisLatest}; more is unusual (custom factor codes). */
const MAX_FIELDS = 10_000;

function compareEntries(a: LatestEntry, b: LatestEntry): number {
  return a.kind.localeCompare(b.kind) || a.factor.localeCompare(b.factor);
}

/** Latest value per MN + kind + factor; never moves backwards in time, whatever order updates arrive in. */
export function createRedisLatest(redis: Redis, options: { prefix: string }): LatestStore {
  const { prefix } = options;
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
        const args: Array<string | number> = [];
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

const OPTIONAL_FIELDS = ['mn', 'cn', 'code'] as const;

function toStreamFields(frame: ArchivedFrame): string[] {
  const fields = ['receivedAt', String(frame.receivedAt), 'sourceIp', frame.sourceIp, 'verdict', frame.verdict, 'raw', frame.raw];
  for (const name of OPTIONAL_FIELDS) {
    const value = frame[name];
    if (value !== undefined) fields.push(name, value);
  }
  return fields;
}

function fromStreamFields(flat: string[]): ArchivedFrame {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(flat[i] as string, flat[i + 1] as string);
  const frame: ArchivedFrame = {
    receivedAt: Number(map.get('receivedAt')),
    sourceIp: map.get('sourceIp') ?? '',
    verdict: map.get('verdict') ?? '',
    raw: map.get('raw') ?? '',
  };
  for (const name of OPTIONAL_FIELDS) {
    const value = map.get(name);
    if (value !== undefined) frame[name] = value;
  }
  return frame;
}

// ARGV: maxLength, then per frame its field count and fields. One command per batch instead of one XADD each.
const APPEND_FRAMES = defineScript(`
local i = 2
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, i + 1, i + n))
  i = i + n + 1
end
return 0
`);

/**
 * Raw frame archive as a Redis stream trimmed with `MAXLEN ~ maxLength` (HJ212_ARCHIVE_MAX_FRAMES): approximate
 * trimming drops whole macro nodes, which keeps XADD O(1) instead of trimming one entry per add.
 */
export function createRedisArchive(redis: Redis, options: { prefix: string; maxLength: number }): FrameArchive {
  const { prefix, maxLength } = options;
  const key = `${prefix}frames`;
  return {
    async append(frames) {
      for (let start = 0; start < frames.length; start += SCRIPT_CHUNK) {
        const args: Array<string | number> = [maxLength];
        for (let i = start; i < Math.min(frames.length, start + SCRIPT_CHUNK); i++) {
          const fields = toStreamFields(frames[i] as ArchivedFrame);
          args.push(fields.length, ...fields);
        }
        await runScript(redis, APPEND_FRAMES, [key], args);
      }
    },
    async recent(limit) {
      if (limit <= 0) return [];
      const entries = await redis.xrevrange(key, '+', '-', 'COUNT', limit);
      return entries.map(([, fields]) => fromStreamFields(fields));
    },
  };
}
