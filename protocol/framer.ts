/**
 * "net-framer": cuts HJ212 frames out of a TCP byte stream (HJ212-2017 6.1, docs/protocol.md §1).
 *
 * A frame is `##` + 4-digit length + data segment + 4 hex CRC + CR LF. The framer works on raw bytes only (no string
 * conversion before a frame is complete): `indexOf` scans for `##` and CR, frames are `subarray` views, and bytes are
 * copied into the one growable buffer only when a frame is split across chunks (pg-protocol `parser.ts` style).
 * On a bad candidate it drops one byte and rescans for the next `##` (the corpus resync rule), counting every byte
 * not delivered in a frame as discarded. It never throws on input and holds at most one maximum-size frame (plus the
 * chunk being pushed).
 *
 * The first CR LF after the length field ends a candidate (a data segment never holds one). The length field is then
 * only checked, never used to look further: a frame whose length field lies is still cut at its CR LF, and delivered
 * when a tolerance explains it (a length counting characters, or the `lengthPolicy`: both only with a verifying CRC;
 * a CR CR LF trailer from a Windows log), else reported. A gateway does not know the device before the frame is
 * parsed, so it frames with the widest policy (`trust-crlf`) and lets the parser's `lengthOffset` decide per device.
 */
import { HJ_ERRORS, type HjErrorCode } from './errors.js';
import { matchCrcValue, parseCrcHex } from './crc.js';
import type { FrameMeta, Framer, FramerOptions } from './framer-types.js';
import { lengthPolicyAccepts, type LengthPolicy } from './quirks.js';
import { indexOfByte } from './runtime.js';
import { countChars } from './text.js';
import type { TextEncoding } from './types.js';

const HASH = 0x23;
const CR = 0x0d;
const LF = 0x0a;
/** `##` + 4 length digits before the data segment, 4 CRC digits + CR LF after it (HJ212-2017 6.1). */
const HEAD = 6;
const OVERHEAD = 12;
const EMPTY = new Uint8Array(0);

/** Index of the next `##` at or after `from`, or of a lone trailing `#` (may pair with the next chunk), or the end. */
function findHeader(d: Uint8Array, from: number): number {
  let i = from;
  for (;;) {
    i = indexOfByte(d, HASH, i);
    if (i < 0) return d.length;
    if (i + 1 >= d.length || d[i + 1] === HASH) return i;
    i += 2;
  }
}

/** True when `##` starts anywhere in `[from, to)`. */
function hasHeader(d: Uint8Array, from: number, to: number): boolean {
  const i = findHeader(d, from);
  return i + 1 < to;
}

/** Result of looking for the CR LF that ends a candidate. */
const PENDING = -1;
const NONE = -2;

class NetFramer implements Framer {
  private buf: Uint8Array = EMPTY;
  private head = 0;
  private tail = 0;
  /** Read position in the data being processed. */
  private at = 0;
  /** Bytes after the current candidate's start already known to hold no CR LF (so 1-byte chunks stay linear). */
  private scanned = 0;
  private pushed = 0;
  private dropped = 0;
  private running = false;
  /** Memo of the last CR search: a stream of junk `##` without CR must not rescan the chunk for each (DoS). */
  private crData: Uint8Array | undefined;
  private crFrom = 0;
  private crAt = -1;
  private readonly maxFrame: number;
  /** Longest candidate searched for its CR LF: a maximum frame, plus one byte for a CR CR LF trailer. */
  private readonly maxSpan: number;
  private readonly minCapacity: number;
  private readonly onFrame: FramerOptions['onFrame'];
  private readonly onError: NonNullable<FramerOptions['onError']>;
  private readonly allowCharLength: boolean;
  private readonly encoding: TextEncoding;
  private readonly allowCrCrLf: boolean;
  private readonly lengthPolicy: LengthPolicy;

  constructor(opts: FramerOptions) {
    const max = opts.maxDataLength ?? 1024;
    if (!Number.isInteger(max) || max < 0 || max > 9999) throw new RangeError('maxDataLength must be an integer 0..9999');
    this.maxFrame = max + OVERHEAD;
    this.minCapacity = this.maxFrame + 1024;
    this.onFrame = opts.onFrame;
    this.onError = opts.onError ?? (() => undefined);
    this.allowCharLength = opts.allowCharLength ?? true;
    this.encoding = opts.encoding ?? 'utf-8';
    this.allowCrCrLf = opts.allowCrCrLf ?? true;
    this.maxSpan = this.maxFrame + (this.allowCrCrLf ? 1 : 0);
    this.lengthPolicy = opts.lengthPolicy ?? 'exact';
  }

  get discarded(): number {
    return this.dropped;
  }

  get buffered(): number {
    return this.tail - this.head;
  }

  push(chunk: Uint8Array): void {
    this.enter();
    this.pushed += chunk.length;
    // Fast path: nothing pending, so frames are cut straight out of the chunk without copying.
    const direct = this.head === this.tail;
    const data = direct ? chunk : this.append(chunk);
    this.at = direct ? 0 : this.head;
    try {
      this.process(data, false);
    } finally {
      this.settle(data, direct);
    }
  }

  end(): void {
    this.enter();
    const data = this.buf.subarray(0, this.tail);
    this.at = this.head;
    try {
      this.process(data, true);
    } finally {
      this.settle(data, false);
    }
  }

  private enter(): void {
    if (this.running) throw new Error('framer: push/end called from an onFrame/onError callback');
    this.running = true;
  }

  /** Appends after the pending bytes, compacting or growing the buffer; returns a view of all pending bytes. */
  private append(chunk: Uint8Array): Uint8Array {
    const pending = this.tail - this.head;
    if (this.tail + chunk.length > this.buf.length) {
      const size = pending + chunk.length;
      if (size <= this.buf.length) this.buf.copyWithin(0, this.head, this.tail);
      else {
        const next = new Uint8Array(Math.max(size, this.minCapacity));
        next.set(this.buf.subarray(this.head, this.tail));
        this.buf = next;
      }
      this.head = 0;
      this.tail = pending;
    }
    this.buf.set(chunk, this.tail);
    this.tail += chunk.length;
    return this.buf.subarray(0, this.tail);
  }

  /** Keeps what was not consumed; releases an oversized buffer once it is empty. */
  private settle(data: Uint8Array, direct: boolean): void {
    this.running = false;
    this.crData = undefined;
    if (direct) {
      const rest = data.length - this.at;
      if (rest > 0) {
        if (this.buf.length < rest) this.buf = new Uint8Array(Math.max(rest, this.minCapacity));
        this.buf.set(data.subarray(this.at), 0);
      }
      this.head = 0;
      this.tail = rest;
    } else this.head = this.at;
    if (this.head === this.tail) {
      this.head = this.tail = 0;
      if (this.buf.length > this.minCapacity) this.buf = EMPTY;
    }
  }

  private process(d: Uint8Array, final: boolean): void {
    const end = d.length;
    while (this.at < end) {
      const pos = this.at;
      if (d[pos] !== HASH || (pos + 1 < end && d[pos + 1] !== HASH)) {
        const next = findHeader(d, pos);
        this.dropped += next - pos;
        this.at = next;
      } else if (pos + 1 >= end) {
        // A lone '#' at the end may start "##" with the next chunk.
        if (!final) return;
        this.dropped++;
        this.at = end;
      } else if (!this.candidate(d, pos, final)) return;
    }
  }

  /** Decides the candidate at `pos` (`##` there). Returns false when more bytes are needed. */
  private candidate(d: Uint8Array, pos: number, final: boolean): boolean {
    const end = d.length;
    let n = 0;
    for (let k = 2; k < HEAD; k++) {
      if (pos + k >= end) return final ? this.fail(d, pos, end, 'HJ_ERR_LENGTH', 'length field cut off') : false;
      const c = d[pos + k]!;
      if (c >= 0x30 && c <= 0x39) n = n * 10 + c - 0x30;
      else if (k === 2 && c === HASH) {
        // A run of '#' is junk before the real header: only its last two can start a frame.
        this.dropped++;
        this.at = pos + 1;
        return true;
      } else return this.fail(d, pos, pos + k + 1, 'HJ_ERR_LENGTH', 'length field is not 4 decimal digits');
    }
    if (n + OVERHEAD > this.maxFrame) return this.fail(d, pos, pos + HEAD, 'HJ_ERR_TOO_LONG', `length ${n}`);
    const cr = this.findCrlf(d, pos);
    if (cr === PENDING) return final ? this.fail(d, pos, end, 'HJ_ERR_TRAILER', 'input ends inside the frame') : false;
    if (cr === NONE) return this.fail(d, pos, pos + this.maxSpan, 'HJ_ERR_TRAILER', 'no CR LF within the maximum frame');
    const stop = cr + 2;
    if (stop === pos + n + OVERHEAD) return this.emit(d, pos, stop, false);
    // Where the CRC starts: 4 digits before CR LF, or before CR CR LF (a Windows log added a CR).
    const crCrLf = this.allowCrCrLf && d[cr - 1] === CR && cr - 5 >= pos + HEAD;
    const crcAt = crCrLf ? cr - 5 : cr - 4;
    const bytes = crcAt - pos - HEAD;
    if (crCrLf && bytes === n) return this.emit(d, pos, stop, false, true);
    if (bytes > n && this.allowCharLength) {
      // The CRC's 4 digits precede the trailer; count characters of what lies before them.
      if (countChars(d, pos + HEAD, crcAt, this.encoding) === n) {
        const sent = parseCrcHex(d, crcAt);
        if (sent && matchCrcValue(d, pos + HEAD, crcAt, sent.value)) return this.emit(d, pos, stop, true, crCrLf);
        return this.fail(d, pos, stop, 'HJ_ERR_CRC', 'length counts characters, but the CRC does not verify');
      }
    }
    // A new header before the CR LF means this frame lost its end; otherwise its length field is wrong.
    if (hasHeader(d, pos + 2, cr)) return this.fail(d, pos, cr, 'HJ_ERR_TRAILER', 'a new ## starts before CR LF');
    if (bytes >= 0 && this.lengthPolicy !== 'exact' && lengthPolicyAccepts(this.lengthPolicy, n - bytes)) {
      const sent = parseCrcHex(d, crcAt);
      if (sent && matchCrcValue(d, pos + HEAD, crcAt, sent.value)) return this.emit(d, pos, stop, false, crCrLf, n - bytes);
    }
    return this.fail(d, pos, stop, 'HJ_ERR_LENGTH', `length field ${n}, CR LF after ${stop - pos - OVERHEAD} bytes`);
  }

  /**
   * The first CR LF after the length field, within the largest frame allowed. A data segment never holds CR LF (it
   * ends the frame, HJ212-2017 6.1), so the first one decides: deterministic whatever the chunking, and a candidate
   * with a wrong length is rejected as soon as its CR LF arrives instead of waiting for `length` bytes.
   */
  private findCrlf(d: Uint8Array, pos: number): number {
    const limit = Math.min(d.length, pos + this.maxSpan - 1);
    let from = pos + Math.max(HEAD, this.scanned);
    while (from < limit) {
      const c = this.findCr(d, from);
      if (c < 0 || c >= limit) break;
      if (c + 1 >= d.length) {
        this.scanned = c - pos;
        return PENDING;
      }
      if (d[c + 1] === LF) return c;
      from = c + 1;
    }
    this.scanned = limit - pos;
    return limit === pos + this.maxSpan - 1 ? NONE : PENDING;
  }

  private findCr(d: Uint8Array, from: number): number {
    if (d === this.crData && from >= this.crFrom && (this.crAt < 0 || from <= this.crAt)) return this.crAt;
    const i = indexOfByte(d, CR, from);
    this.crData = d;
    this.crFrom = from;
    this.crAt = i;
    return i;
  }

  private emit(d: Uint8Array, pos: number, stop: number, charLength: boolean, crCrLf = false, lengthOffset?: number): true {
    this.at = stop;
    this.scanned = 0;
    const meta: FrameMeta = { charLength, offset: this.pushed - d.length + pos };
    if (crCrLf) meta.crCrLf = true;
    if (lengthOffset !== undefined) meta.lengthOffset = lengthOffset;
    this.onFrame(d.subarray(pos, stop), meta);
    return true;
  }

  /** Reports a bad candidate, then drops its first byte and resumes scanning (the corpus resync rule). */
  private fail(d: Uint8Array, pos: number, to: number, code: HjErrorCode, detail: string): true {
    this.at = pos + 1;
    this.scanned = 0;
    this.dropped++;
    const bytes = d.subarray(pos, Math.min(to, d.length));
    this.onError({ code, message: `${HJ_ERRORS[code]}: ${detail}`, bytes, offset: this.pushed - d.length + pos });
    return true;
  }
}

/** Creates a stream framer. Frames and errors are delivered synchronously from `push`/`end`. */
export function createFramer(options: FramerOptions): Framer {
  return new NetFramer(options);
}
