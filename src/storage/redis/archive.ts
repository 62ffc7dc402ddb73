/**
 * The raw frame archive as a Redis stream `${prefix}frames`, bounded in entries (HJ212_ARCHIVE_MAX_FRAMES) and in
 * bytes (HJ212_ARCHIVE_MAX_BYTES, issue 11 finding 5). `${prefix}frames:bytes` holds the sum of the stored entries'
 * field lengths; every append trims the oldest entries, exactly, until both bounds hold (Redis' own per-entry
 * overhead, a few dozen bytes, comes on top). What one entry holds is bounded by the gateway (src/server/archive-recorder.ts);
 * its layout is in archive-entry.ts.
 */
import type { Redis } from 'ioredis';
import type { FrameArchive } from '../../domain/ports.js';
import { encodeChunk, fromStreamFields } from './archive-entry.js';
import { defineScript, runScript } from './util.js';

export { fromStreamFields, type StoredFrame } from './archive-entry.js';

// KEYS: stream, byte counter. ARGV: max entries, max bytes, then the entries of a batch back to back (encodeChunk:
// per entry a one-byte field name, the value's length in 4 bytes big-endian, the value). One command per batch; the
// trim reads the oldest entries 100 at a time and deletes them until both bounds hold. Bytes counted: the field names
// and values.
const APPEND_FRAMES = defineScript(`
local function size(fields)
  local n = 0
  for j = 1, #fields do n = n + #fields[j] end
  return n
end
local data = ARGV[3]
local pos = 1
local added = 0
while pos + 4 <= #data do
  local a, b, c, d = string.byte(data, pos + 1, pos + 4)
  local n = ((a * 256 + b) * 256 + c) * 256 + d
  redis.call('XADD', KEYS[1], '*', string.sub(data, pos, pos), string.sub(data, pos + 5, pos + 4 + n))
  added = added + 1 + n
  pos = pos + 5 + n
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

/** Frames per script call and (worst-case) bytes of one call's entries, so one call never blocks Redis for long. */
const CHUNK = 500;
const CHUNK_BYTES = 4 * 1024 * 1024;

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
      for (let start = 0; start < frames.length; ) {
        const { data, end } = encodeChunk(frames, start, CHUNK, CHUNK_BYTES);
        await runScript(redis, APPEND_FRAMES, [key, bytesKey], [maxLength, maxBytes, data]);
        start = end;
      }
    },
    async recent(limit) {
      if (limit <= 0) return [];
      const entries = (await redis.xrevrangeBuffer(key, '+', '-', 'COUNT', limit)) as unknown as Array<[Buffer, Buffer[]]>;
      return entries.map(([, fields]) => fromStreamFields(fields));
    },
    async bytes() {
      return Number((await redis.get(bytesKey)) ?? 0);
    },
  };
}
