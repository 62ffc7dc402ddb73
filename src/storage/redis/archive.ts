/**
 * The raw frame archive as a Redis stream `${prefix}frames`, bounded in entries (HJ212_ARCHIVE_MAX_FRAMES) and in
 * bytes (HJ212_ARCHIVE_MAX_BYTES, issue 11 finding 5). `${prefix}frames:bytes` holds the sum of the stored entries'
 * field lengths; every append trims the oldest entries, exactly, until both bounds hold (Redis' own per-entry
 * overhead, a few dozen bytes, comes on top). What one entry holds is bounded by the gateway (src/server/archive-recorder.ts).
 */
import type { Redis } from 'ioredis';
import type { ArchivedFrame, FrameArchive } from '../../domain/ports.js';
import { defineScript, runScript } from './util.js';

/**
 * Entry layout: two fields, `m` = receivedAt, sourceIp, verdict, mn, cn, code, size, repeats joined by U+001F (absent
 * ones empty) and `r` = the raw bytes as they are (not base64). Entries of earlier versions (one field per property,
 * `raw` in base64) are still read.
 */
const SEP = '\x1f';
const clean = (v: string | undefined): string => (v === undefined ? '' : v.includes(SEP) ? v.replaceAll(SEP, ' ') : v);

function toStreamFields(frame: ArchivedFrame): Array<string | Buffer> {
  const meta = [frame.receivedAt, clean(frame.sourceIp), clean(frame.verdict), clean(frame.mn), clean(frame.cn), clean(frame.code), frame.size ?? '', frame.repeats ?? ''].join(SEP);
  return ['m', meta, 'r', Buffer.from(frame.raw, 'base64')];
}

/** An archive entry as stored, its raw bytes as a Buffer. */
export type StoredFrame = Omit<ArchivedFrame, 'raw'> & { raw: Buffer };

const OPTIONAL_FIELDS = ['mn', 'cn', 'code'] as const;
const NUMBER_FIELDS = ['size', 'repeats'] as const;

/** Decode one stream entry's fields (from XRANGE with Buffer replies), either layout. */
export function fromStreamFields(flat: readonly Buffer[]): StoredFrame {
  const map = new Map<string, Buffer>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set((flat[i] as Buffer).toString('latin1'), flat[i + 1] as Buffer);
  const meta = map.get('m');
  if (meta) {
    const [at, sourceIp = '', verdict = '', mn, cn, code, size, repeats] = meta.toString('utf8').split(SEP);
    const frame: StoredFrame = { receivedAt: Number(at), sourceIp, verdict, raw: map.get('r') ?? Buffer.alloc(0) };
    if (mn) frame.mn = mn;
    if (cn) frame.cn = cn;
    if (code) frame.code = code;
    if (size) frame.size = Number(size);
    if (repeats) frame.repeats = Number(repeats);
    return frame;
  }
  const text = (name: string): string | undefined => map.get(name)?.toString('utf8');
  const frame: StoredFrame = {
    receivedAt: Number(text('receivedAt')),
    sourceIp: text('sourceIp') ?? '',
    verdict: text('verdict') ?? '',
    raw: Buffer.from(text('raw') ?? '', 'base64'),
  };
  for (const name of OPTIONAL_FIELDS) {
    const value = text(name);
    if (value !== undefined) frame[name] = value;
  }
  for (const name of NUMBER_FIELDS) {
    const value = text(name);
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
        const args: Array<string | number | Buffer> = [maxLength, maxBytes];
        for (let i = start; i < Math.min(frames.length, start + CHUNK); i++) {
          const fields = toStreamFields(frames[i] as ArchivedFrame);
          args.push(fields.length, ...fields);
        }
        await runScript(redis, APPEND_FRAMES, [key, bytesKey], args);
      }
    },
    async recent(limit) {
      if (limit <= 0) return [];
      const entries = (await redis.xrevrangeBuffer(key, '+', '-', 'COUNT', limit)) as unknown as Array<[Buffer, Buffer[]]>;
      return entries.map(([, fields]) => {
        const frame = fromStreamFields(fields);
        return { ...frame, raw: frame.raw.toString('base64') };
      });
    },
    async bytes() {
      return Number((await redis.get(bytesKey)) ?? 0);
    },
  };
}
