/**
 * What the raw archive receives for each frame (issue 11 finding 5): bounded per entry and never one full entry
 * per repeat.
 * - Passwords masked (`PW=***`, protocol maskPassword) before anything is kept.
 * - A frame that parsed keeps at most HJ212_ARCHIVE_MAX_RAW_BYTES bytes, a candidate that did not (framing or parse
 *   error, verdict `HJ_ERR_*`) at most HJ212_ARCHIVE_JUNK_RAW_BYTES; a cut entry records the full `size`.
 * - A retransmit of a stored frame (verdict `duplicate`) keeps no raw bytes: the original is archived already.
 * - The same raw bytes with the same verdict and MN again within HJ212_ARCHIVE_REPEAT_WINDOW_S are counted, and one
 *   summary entry with `repeats` is archived when the window ends. Stored frames open no window: the same bytes
 *   again are a retransmit (verdict `duplicate`, which has its window), so a stored frame is archived at once
 *   without hashing it or holding a window for it.
 * The archive store bounds the total (HJ212_ARCHIVE_MAX_BYTES, HJ212_ARCHIVE_MAX_FRAMES).
 */
import { hash } from 'node:crypto';
import { maskPasswordBytes } from '../../protocol/index.js';
import type { ArchivedFrame } from '../domain/ports.js';
import type { Metrics } from '../metrics.js';

export interface ArchiveLimits {
  maxRawBytes: number;
  junkRawBytes: number;
  repeatWindowMs: number;
}

/** The archive entry without its raw bytes. */
export type FrameMeta = Omit<ArchivedFrame, 'raw' | 'size' | 'repeats'>;

interface Window {
  at: number;
  count: number;
  meta: FrameMeta;
}

const NO_BYTES = new Uint8Array(0);

/** Distinct frames whose repeats are counted at once; when full, every window is closed early (summaries written). */
const MAX_WINDOWS = 10_000;
/** Verdicts of frames that passed the retransmit check: their repeats come back as `duplicate`. */
const STORED = new Set(['stored', 'stored-partial']);
/** Windows are checked for their end at most this often. */
const SWEEP_EVERY_MS = 1000;

export class ArchiveRecorder {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;

  constructor(
    private readonly push: (frame: ArchivedFrame) => void,
    private readonly limits: ArchiveLimits,
    private readonly metrics: Metrics,
  ) {}

  /** Archive one frame (or count it as a repeat). */
  record(meta: FrameMeta, raw: Uint8Array): void {
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (STORED.has(meta.verdict)) return this.push(this.entry(meta, bytes));
    const key = `${meta.verdict}\n${meta.mn ?? ''}\n${bytes.length}\n${hash('sha1', bytes, 'base64')}`;
    const open = this.windows.get(key);
    if (open && meta.receivedAt - open.at < this.limits.repeatWindowMs) {
      open.count++;
      this.metrics.limited.inc({ limit: 'archive-repeat' });
      return;
    }
    if (open) this.close(key, open, meta.receivedAt);
    if (this.windows.size >= MAX_WINDOWS) this.sweep(Number.POSITIVE_INFINITY);
    this.windows.set(key, { at: meta.receivedAt, count: 0, meta });
    this.push(this.entry(meta, bytes));
  }

  /** Archive an entry that has no frame behind it (e.g. an incomplete sub-packet set). */
  note(frame: ArchivedFrame): void {
    this.push(frame);
  }

  /** Close the repeat windows that ended by `now` (all of them with Infinity), archiving one summary each. */
  sweep(now: number): void {
    if (now !== Number.POSITIVE_INFINITY && now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, w] of this.windows) if (now - w.at >= this.limits.repeatWindowMs) this.close(key, w, now);
  }

  private close(key: string, w: Window, now: number): void {
    this.windows.delete(key);
    if (w.count === 0) return;
    const at = Number.isFinite(now) ? now : w.at + this.limits.repeatWindowMs;
    const code = `repeated ${w.count} times after the entry of ${new Date(w.at).toISOString()}`;
    this.push({ ...w.meta, receivedAt: Math.max(at, w.at), code, raw: NO_BYTES, repeats: w.count });
  }

  private entry(meta: FrameMeta, bytes: Buffer): ArchivedFrame {
    if (meta.verdict === 'duplicate') return archived(meta, NO_BYTES, bytes.length);
    const limit = meta.verdict.startsWith('HJ_ERR') ? this.limits.junkRawBytes : this.limits.maxRawBytes;
    // Masked as bytes (no text, no base64): a frame holds its password in every header, so this is always a copy and
    // the entry never keeps the connection's buffer alive.
    const masked = maskPasswordBytes(bytes);
    if (masked === bytes) {
      const kept = new Uint8Array(bytes.subarray(0, limit));
      return masked.length <= limit ? archived(meta, kept, undefined) : this.cut(meta, kept, bytes.length);
    }
    return masked.length <= limit ? archived(meta, masked, undefined) : this.cut(meta, masked.subarray(0, limit), bytes.length);
  }

  private cut(meta: FrameMeta, kept: Uint8Array, size: number): ArchivedFrame {
    this.metrics.limited.inc({ limit: 'archive-truncated' });
    return archived(meta, kept, size);
  }
}

/** The entry of `meta` with `raw` (and the full `size` when cut), built field by field: no spread per frame. */
function archived(meta: FrameMeta, raw: Uint8Array, size: number | undefined): ArchivedFrame {
  const frame: ArchivedFrame = { receivedAt: meta.receivedAt, sourceIp: meta.sourceIp, mn: meta.mn, cn: meta.cn, verdict: meta.verdict, code: meta.code, raw };
  if (size !== undefined) frame.size = size;
  return frame;
}
