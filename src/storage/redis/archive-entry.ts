/**
 * One raw-archive stream entry (`${prefix}frames`, archive.ts): its layout, the gateway's encoder of a batch of them
 * and the reader of any layout.
 *
 * Layout: one field `z` = receivedAt, sourceIp, verdict, mn, cn, code, size, repeats and then the raw bytes packed by
 * frame-codec.ts (the HJ212 vocabulary as single bytes), joined by U+001F (absent ones empty); `e` instead of `z`
 * when packing would not make the raw bytes shorter (they follow as they are). An MN or CN that the stored raw
 * bytes' header names (checked when writing) is written as U+001D and read back from the raw bytes, so a stored frame
 * does not carry its MN and CN twice. Entries of earlier versions are still read: two fields (`m` the same
 * properties, `r` the raw bytes) and, before those, one field per property with `raw` in base64.
 */
import type { ArchivedFrame } from '../../domain/ports.js';
import { packInto, unpackFrame } from './frame-codec.js';

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

const CP_KEY = Buffer.from('CP=', 'latin1');
const MN_KEY = Buffer.from(';MN=', 'latin1');
const CN_KEY = Buffer.from(';CN=', 'latin1');

/**
 * `headerValue(raw, key) === value` without making the header's text: the first `key` from byte 6 lies before
 * `limit` (the first `CP=`) and is followed by exactly `value` and a `;` before `limit`.
 */
function inHeader(raw: Buffer, limit: number, key: Buffer, value: string): boolean {
  const at = raw.indexOf(key, 6);
  if (at < 0 || at >= limit) return false;
  const start = at + 4;
  const stop = start + value.length;
  if (stop >= limit) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // A `;` in the value would end the header's value earlier.
    if (c === 0x3b || raw[start + i] !== c) return false;
  }
  return raw[stop] === 0x3b;
}

/** The entry's metadata text (without the raw bytes), `raw` as stored. */
function metaText(frame: ArchivedFrame, raw: Buffer): string {
  let mn = clean(frame.mn);
  let cn = clean(frame.cn);
  if (frame.mn || frame.cn) {
    const end = raw.indexOf(CP_KEY, 6);
    const limit = end < 0 ? raw.length : end;
    if (frame.mn && inHeader(raw, limit, MN_KEY, frame.mn)) mn = FROM_RAW;
    if (frame.cn && inHeader(raw, limit, CN_KEY, frame.cn)) cn = FROM_RAW;
  }
  return `${frame.receivedAt}${SEP}${clean(frame.sourceIp)}${SEP}${clean(frame.verdict)}${SEP}${mn}${SEP}${cn}${SEP}${clean(frame.code)}${SEP}${frame.size ?? ''}${SEP}${frame.repeats ?? ''}${SEP}`;
}

const Z = 0x7a;
const E = 0x65;
/** Bytes before an entry's value in a chunk: its field name and the value's length (32 bits, big-endian). */
const ENTRY_HEAD = 5;

const asBuffer = (raw: Uint8Array): Buffer => (Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));

/**
 * Frames `from`… encoded back to back as the archive script reads them: per entry its field name (one byte `z`/`e`),
 * the value's length and the value, the raw bytes packed straight into the chunk. Takes at most `maxFrames` frames
 * and stops after the frame that reaches `maxBytes` (a worst-case estimate); `end` is the index after the last one.
 */
export function encodeChunk(frames: readonly ArchivedFrame[], from: number, maxFrames: number, maxBytes: number): { data: Buffer; end: number } {
  const metas: string[] = [];
  let end = from;
  let room = 0;
  let widest = 0;
  while (end < frames.length && end - from < maxFrames && room < maxBytes) {
    const frame = frames[end++] as ArchivedFrame;
    const meta = metaText(frame, asBuffer(frame.raw));
    metas.push(meta);
    // An entry takes at most its head, its metadata as UTF-8 and its raw bytes (packed only when shorter); packing
    // needs up to twice the raw bytes while it runs, hence one frame's raw length more at the end.
    room += ENTRY_HEAD + meta.length * 3 + frame.raw.length;
    if (frame.raw.length > widest) widest = frame.raw.length;
  }
  const data = Buffer.allocUnsafe(room + widest);
  let pos = 0;
  for (let i = from; i < end; i++) {
    const raw = (frames[i] as ArchivedFrame).raw;
    const at = pos;
    pos += ENTRY_HEAD;
    pos += data.write(metas[i - from] as string, pos, 'utf8');
    const packedEnd = raw.length > 0 ? packInto(raw, data, pos) : pos;
    if (packedEnd - pos < raw.length) {
      data[at] = Z;
      pos = packedEnd;
    } else {
      data[at] = E;
      data.set(raw, pos);
      pos += raw.length;
    }
    data.writeUInt32BE(pos - at - ENTRY_HEAD, at + 1);
  }
  return { data: data.subarray(0, pos), end };
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
