/**
 * The raw frame archive as a Redis stream `${prefix}frames`, bounded in entries (HJ212_ARCHIVE_MAX_FRAMES) and in
 * bytes (HJ212_ARCHIVE_MAX_BYTES, issue 11 finding 5). `${prefix}frames:bytes` holds the sum of the stored entries'
 * field lengths; every append trims the oldest entries, exactly, until both bounds hold (Redis' own per-entry
 * overhead, a few dozen bytes, comes on top). What one entry holds is bounded by the gateway (src/server/archive-recorder.ts).
 */
import type { Redis } from 'ioredis';
import type { ArchivedFrame, FrameArchive } from '../../domain/ports.js';
import { packFrame, unpackFrame } from './frame-codec.js';
import { defineScript, runScript } from './util.js';

/**
 * Entry layout: one field `z` = receivedAt, sourceIp, verdict, mn, cn, code, size, repeats and then the raw bytes
 * packed by frame-codec.ts (the HJ212 vocabulary as single bytes), joined by U+001F (absent ones empty); `e` instead
 * of `z` when packing would not make the raw bytes shorter (they follow as they are). An MN or CN that the stored raw
 * bytes' header names (checked when writing) is written as U+001D and read back from the raw bytes, so a stored frame
 * does not carry its MN and CN twice. Entries of earlier versions are still read: two fields (`m` the same
 * properties, `r` the raw bytes) and, before those, one field per property with `raw` in base64.
 */
const SEP = '\x1f';
const FROM_RAW = '\x1d';
const clean = (v: string | undefined): string => (v === undefined ? '' : v.includes(SEP) || v.includes(FROM_RAW) ? v.replaceAll(SEP, ' ').replaceAll(FROM_RAW, ' ') : v);
/** Properties before the raw bytes in an entry of the current layout. */
const META_FIELDS = 8;

/** The value of `name` in the raw frame's header (before `CP=`), e.g. MN=…; undefined when it has none. */
function headerValue(raw: Buffer, name: 'MN' | 'CN'): string | undefined {
  const end = raw.indexOf('CP=', 6, 'latin1');
  const limit = end < 0 ? raw.length : end;
  const at = raw.indexOf(`;${name}=`, 6, 'latin1');
  if (at < 0 || at >= limit) return undefined;
  const stop = raw.indexOf(';', at + 4);
  return stop < 0 || stop > limit ? undefined : raw.toString('latin1', at + 4, stop);
}

const fromRaw = (raw: Buffer, name: 'MN' | 'CN', value: string | undefined): string => (value && headerValue(raw, name) === value ? FROM_RAW : clean(value));

/** The entry's field name and value. */
function toEntry(frame: ArchivedFrame): [string, Buffer] {
  const raw = Buffer.from(frame.raw.buffer, frame.raw.byteOffset, frame.raw.byteLength);
  const meta = [frame.receivedAt, clean(frame.sourceIp), clean(frame.verdict), fromRaw(raw, 'MN', frame.mn), fromRaw(raw, 'CN', frame.cn), clean(frame.code), frame.size ?? '', frame.repeats ?? '', ''].join(SEP);
  const packed = raw.length > 0 ? packFrame(raw) : raw;
  const smaller = packed.length < raw.length;
  return [smaller ? 'z' : 'e', Buffer.concat([Buffer.from(meta, 'utf8'), smaller ? packed : raw])];
}

/** An archive entry as stored, its raw bytes as a Buffer. */
export type StoredFrame = Omit<ArchivedFrame, 'raw'> & { raw: Buffer };

const OPTIONAL_FIELDS = ['mn', 'cn', 'code'] as const;
const NUMBER_FIELDS = ['size', 'repeats'] as const;

/** Properties from the `\x1f`-joined metadata (layouts `e` and `m`); `raw` the entry's raw bytes. */
function fromMeta(parts: readonly string[], raw: Buffer): StoredFrame {
  const [at, sourceIp = '', verdict = '', mn, cn, code, size, repeats] = parts;
  const frame: StoredFrame = { receivedAt: Number(at), sourceIp, verdict, raw };
  const mnValue = mn === FROM_RAW ? headerValue(raw, 'MN') : mn;
  const cnValue = cn === FROM_RAW ? headerValue(raw, 'CN') : cn;
  if (mnValue) frame.mn = mnValue;
  if (cnValue) frame.cn = cnValue;
  if (code) frame.code = code;
  if (size) frame.size = Number(size);
  if (repeats) frame.repeats = Number(repeats);
  return frame;
}

/** Decode one stream entry's fields (from XRANGE with Buffer replies), any layout. */
export function fromStreamFields(flat: readonly Buffer[]): StoredFrame {
  const map = new Map<string, Buffer>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set((flat[i] as Buffer).toString('latin1'), flat[i + 1] as Buffer);
  const packed = map.get('z');
  const entry = packed ?? map.get('e');
  if (entry) {
    // The metadata is the text before the eighth separator; the raw bytes follow it.
    let end = -1;
    for (let n = 0; n < META_FIELDS; n++) {
      end = entry.indexOf(0x1f, end + 1);
      if (end < 0) break;
    }
    const metaEnd = end < 0 ? entry.length : end;
    const raw = end < 0 ? Buffer.alloc(0) : entry.subarray(end + 1);
    return fromMeta(entry.toString('utf8', 0, metaEnd).split(SEP), packed ? unpackFrame(raw) : raw);
  }
  const meta = map.get('m');
  if (meta) return fromMeta(meta.toString('utf8').split(SEP), map.get('r') ?? Buffer.alloc(0));
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

// KEYS: stream, byte counter. ARGV: max entries, max bytes, then per frame its field name and value. One command per
// batch; the trim reads the oldest entries 100 at a time and deletes them until both bounds hold. Bytes counted: the
// field names and values.
const APPEND_FRAMES = defineScript(`
local function size(fields)
  local n = 0
  for j = 1, #fields do n = n + #fields[j] end
  return n
end
local added = 0
for i = 3, #ARGV - 1, 2 do
  redis.call('XADD', KEYS[1], '*', ARGV[i], ARGV[i + 1])
  added = added + #ARGV[i] + #ARGV[i + 1]
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
        for (let i = start; i < Math.min(frames.length, start + CHUNK); i++) args.push(...toEntry(frames[i] as ArchivedFrame));
        await runScript(redis, APPEND_FRAMES, [key, bytesKey], args);
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
