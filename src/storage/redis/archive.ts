/**
 * The raw frame archive as a Redis stream `${prefix}frames`, bounded in entries (HJ212_ARCHIVE_MAX_FRAMES) and in
 * bytes (HJ212_ARCHIVE_MAX_BYTES, issue 11 finding 5). `${prefix}frames:bytes` holds the sum of the stored entries'
 * field lengths; every append trims the oldest entries, exactly, until both bounds hold (Redis' own per-entry
 * overhead, a few dozen bytes, comes on top). What one entry holds is bounded by the gateway (src/server/archive-recorder.ts).
 */
import type { Redis } from 'ioredis';
import type { ArchivedFrame, FrameArchive } from '../../domain/ports.js';
import { defineScript, runScript } from './util.js';

const OPTIONAL_FIELDS = ['mn', 'cn', 'code'] as const;
const NUMBER_FIELDS = ['size', 'repeats'] as const;

function toStreamFields(frame: ArchivedFrame): string[] {
  const fields = ['receivedAt', String(frame.receivedAt), 'sourceIp', frame.sourceIp, 'verdict', frame.verdict, 'raw', frame.raw];
  for (const name of OPTIONAL_FIELDS) {
    const value = frame[name];
    if (value !== undefined) fields.push(name, value);
  }
  for (const name of NUMBER_FIELDS) {
    const value = frame[name];
    if (value !== undefined) fields.push(name, String(value));
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
  for (const name of NUMBER_FIELDS) {
    const value = map.get(name);
    if (value !== undefined) frame[name] = Number(value);
  }
  return frame;
}

// KEYS: stream, byte counter. ARGV: max entries, max bytes, then per frame its field count and fields. One command
// per batch; the trim reads the oldest entries 100 at a time and deletes them until both bounds hold.
const APPEND_FRAMES = defineScript(`
local function size(fields)
  local n = 0
  for j = 1, #fields do n = n + #fields[j] end
  return n
end
local added = 0
local i = 3
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  redis.call('XADD', KEYS[1], '*', unpack(ARGV, i + 1, i + n))
  for j = i + 1, i + n do added = added + #ARGV[j] end
  i = i + n + 1
end
local maxLen = tonumber(ARGV[1])
local maxBytes = tonumber(ARGV[2])
local bytes = redis.call('INCRBY', KEYS[2], added)
local len = redis.call('XLEN', KEYS[1])
while len > 0 and (bytes > maxBytes or len > maxLen) do
  local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 100)
  local ids = {}
  for _, e in ipairs(oldest) do
    if bytes <= maxBytes and len <= maxLen then break end
    ids[#ids + 1] = e[1]
    bytes = bytes - size(e[2])
    len = len - 1
  end
  if #ids == 0 then break end
  redis.call('XDEL', KEYS[1], unpack(ids))
end
if len == 0 or bytes < 0 then bytes = 0 end
redis.call('SET', KEYS[2], bytes)
return bytes
`);

/** Frames per script call, so one call never blocks Redis for long. */
const CHUNK = 500;

export interface RedisArchiveOptions {
  prefix: string;
  /** Entries kept at most (HJ212_ARCHIVE_MAX_FRAMES). */
  maxLength: number;
  /** Sum of the entries' field bytes kept at most (HJ212_ARCHIVE_MAX_BYTES). Default: unbounded by bytes. */
  maxBytes?: number;
}

export function createRedisArchive(redis: Redis, options: RedisArchiveOptions): FrameArchive & { bytes(): Promise<number> } {
  const { prefix, maxLength, maxBytes = Number.MAX_SAFE_INTEGER } = options;
  const key = `${prefix}frames`;
  const bytesKey = `${prefix}frames:bytes`;
  return {
    async append(frames) {
      for (let start = 0; start < frames.length; start += CHUNK) {
        const args: Array<string | number> = [maxLength, maxBytes];
        for (let i = start; i < Math.min(frames.length, start + CHUNK); i++) {
          const fields = toStreamFields(frames[i] as ArchivedFrame);
          args.push(fields.length, ...fields);
        }
        await runScript(redis, APPEND_FRAMES, [key, bytesKey], args);
      }
    },
    async recent(limit) {
      if (limit <= 0) return [];
      const entries = await redis.xrevrange(key, '+', '-', 'COUNT', limit);
      return entries.map(([, fields]) => fromStreamFields(fields));
    },
    async bytes() {
      return Number((await redis.get(bytesKey)) ?? 0);
    },
  };
}
