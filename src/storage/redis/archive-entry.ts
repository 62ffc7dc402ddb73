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

/** Bits of {@link headerMarks}: set when the MN / the CN is the one the header names. */
const MN_MARK = 1;
const CN_MARK = 2;

/**
 * Which of `mn` and `cn` equal `headerValue(raw, 'MN' | 'CN')`, in one pass over the header without making its text:
 * the first `;MN=` / `;CN=` from byte 6 before the first `CP=` (the header's end), followed by exactly the value and
 * a `;` before that end.
 */
function headerMarks(raw: Uint8Array, mn: string | undefined, cn: string | undefined): number {
  let mnAt = -1;
  let cnAt = -1;
  let limit = raw.length;
  for (let i = 6; i < raw.length; i++) {
    const b = raw[i] as number;
    if (b === 0x3b) {
      // `;MN=` or `;CN=`
      if (raw[i + 2] === 0x4e && raw[i + 3] === 0x3d) {
        const k = raw[i + 1];
        if (k === 0x4d && mnAt < 0) mnAt = i;
        else if (k === 0x43 && cnAt < 0) cnAt = i;
      }
    } else if (b === 0x43 && raw[i + 1] === 0x50 && raw[i + 2] === 0x3d) {
      limit = i;
      break;
    }
  }
  return (mn && mnAt >= 0 && holds(raw, mnAt + 4, limit, mn) ? MN_MARK : 0) | (cn && cnAt >= 0 && holds(raw, cnAt + 4, limit, cn) ? CN_MARK : 0);
}

/** `raw` holds exactly `value` from `start`, followed by a `;` before `limit`. */
function holds(raw: Uint8Array, start: number, limit: number, value: string): boolean {
  const stop = start + value.length;
  if (stop >= limit) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // A `;` in the value would end the header's value earlier.
    if (c === 0x3b || raw[start + i] !== c) return false;
  }
  return raw[stop] === 0x3b;
}

const Z = 0x7a;
const E = 0x65;
/** Bytes before an entry's value in a chunk: its field name and the value's length (32 bits, big-endian). */
const ENTRY_HEAD = 5;
/** Characters of a number's text that are reserved in advance (any safe integer fits; other numbers are checked). */
const NUMBER_ROOM = 24;
/** Integers up to this are written digit by digit: n / 1e8 rounds to the right integer part well below 2^53. */
const DIGITS_MAX = 2 ** 49;

/**
 * A growing buffer for one chunk. The metadata is written exactly as the UTF-8 of the layout's `\x1f`-joined text
 * (absent values empty, `clean` applied to texts, numbers as String() writes them), without making that text: ASCII
 * texts byte by byte and integers digit by digit (String() of a 13-digit timestamp is slow), anything else through
 * Buffer.write.
 */
class ChunkWriter {
  buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  /** `clean(s)` as UTF-8. */
  text(s: string | undefined): void {
    if (s === undefined) return;
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = pos;
        const rest = clean(s.slice(i));
        this.ensure(rest.length * 3);
        this.pos += this.buf.write(rest, this.pos, 'utf8');
        return;
      }
      buf[pos++] = c === 0x1f || c === 0x1d ? 0x20 : c;
    }
    this.pos = pos;
  }

  /** `String(n)`; nothing for an absent value. */
  number(n: number | undefined): void {
    if (n === undefined || n === null) return;
    if (Number.isInteger(n) && n >= 0 && n <= DIGITS_MAX) {
      // In two halves below 10^8, so the digit arithmetic stays in small integers.
      const high = Math.floor(n / 1e8);
      const low = n - high * 1e8;
      if (high === 0) return this.digits(low, 0);
      if (low >= 0 && low < 1e8) {
        this.digits(high, 0);
        return this.digits(low, 8);
      }
    }
    const text = String(n);
    this.ensure(text.length * 3);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /** The decimal digits of the int32 `x` ≥ 0, at least `width` of them (leading zeros). */
  private digits(x: number, width: number): void {
    let count = 1;
    for (let y = x; y >= 10; y = (y / 10) | 0) count++;
    if (count < width) count = width;
    const buf = this.buf;
    for (let i = this.pos + count - 1, y = x; i >= this.pos; i--, y = (y / 10) | 0) buf[i] = 0x30 + (y % 10);
    this.pos += count;
  }

  /** One entry: field name, length, metadata, the raw bytes packed when that makes them shorter. */
  entry(frame: ArchivedFrame): void {
    const raw = frame.raw;
    const at = this.pos;
    this.pos += ENTRY_HEAD;
    this.number(frame.receivedAt);
    this.byte(0x1f);
    this.text(frame.sourceIp);
    this.byte(0x1f);
    this.text(frame.verdict);
    this.byte(0x1f);
    // An MN or CN the stored raw bytes' header names is written as U+001D.
    const marks = frame.mn || frame.cn ? headerMarks(raw, frame.mn, frame.cn) : 0;
    if (marks & MN_MARK) this.byte(0x1d);
    else this.text(frame.mn);
    this.byte(0x1f);
    if (marks & CN_MARK) this.byte(0x1d);
    else this.text(frame.cn);
    this.byte(0x1f);
    this.text(frame.code);
    this.byte(0x1f);
    this.number(frame.size);
    this.byte(0x1f);
    this.number(frame.repeats);
    this.byte(0x1f);
    const start = this.pos;
    let name = E;
    if (raw.length > 0) {
      this.ensure(raw.length * 2);
      const packedEnd = packInto(raw, this.buf, start);
      if (packedEnd - start < raw.length) {
        name = Z;
        this.pos = packedEnd;
      }
    }
    if (name === E) {
      this.buf.set(raw, start);
      this.pos = start + raw.length;
    }
    this.buf[at] = name;
    this.buf.writeUInt32BE(this.pos - at - ENTRY_HEAD, at + 1);
  }
}

const textRoom = (s: string | undefined): number => (s === undefined ? 0 : s.length);
const numberRoom = (n: number | undefined): number => (n === undefined || n === null ? 0 : NUMBER_ROOM);

/** Bytes an entry's metadata takes when its texts are ASCII (the writer grows its buffer for any other text). */
function metaRoom(f: ArchivedFrame): number {
  return META_FIELDS + 1 + numberRoom(f.receivedAt) + textRoom(f.sourceIp) + textRoom(f.verdict) + textRoom(f.mn) + textRoom(f.cn) + textRoom(f.code) + numberRoom(f.size) + numberRoom(f.repeats);
}

/**
 * Frames `from`… encoded back to back as the archive script reads them: per entry its field name (one byte `z`/`e`),
 * the value's length and the value, the raw bytes packed straight into the chunk. Takes at most `maxFrames` frames
 * and stops after the frame that reaches `maxBytes`; `end` is the index after the last one.
 */
export function encodeChunk(frames: readonly ArchivedFrame[], from: number, maxFrames: number, maxBytes: number): { data: Buffer; end: number } {
  let end = from;
  let room = 0;
  let widest = 0;
  while (end < frames.length && end - from < maxFrames && room < maxBytes) {
    const frame = frames[end++] as ArchivedFrame;
    // An entry takes its head, its metadata and at most its raw bytes (packed only when shorter); packing needs up
    // to twice the raw bytes while it runs, hence one frame's raw length more at the end.
    room += ENTRY_HEAD + metaRoom(frame) + frame.raw.length;
    if (frame.raw.length > widest) widest = frame.raw.length;
  }
  const w = new ChunkWriter(room + widest);
  for (let i = from; i < end; i++) w.entry(frames[i] as ArchivedFrame);
  return { data: w.buf.subarray(0, w.pos), end };
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
