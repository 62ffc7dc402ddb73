/** Test helper: runs bytes through a framer in given chunks and records everything it reports. */
import { createFramer, type FrameMeta, type FramerOptions, type HjErrorCode } from '../../protocol/index.js';

export interface Collected {
  frames: Uint8Array[];
  metas: FrameMeta[];
  errors: { code: HjErrorCode; offset: number; bytes: Uint8Array }[];
  discarded: number;
  /** `buffered` after each push. */
  bufferedAfterPush: number[];
}

type Options = Omit<FramerOptions, 'onFrame' | 'onError'>;

/** Pushes each chunk, then calls end() unless `end` is false. Frames and error bytes are copied. */
export function collect(chunks: readonly Uint8Array[], opts: Options = {}, end = true): Collected {
  const out: Collected = { frames: [], metas: [], errors: [], discarded: 0, bufferedAfterPush: [] };
  const framer = createFramer({
    ...opts,
    onFrame: (frame, meta) => {
      out.frames.push(frame.slice());
      out.metas.push(meta);
    },
    onError: (e) => out.errors.push({ code: e.code, offset: e.offset, bytes: e.bytes.slice() }),
  });
  for (const chunk of chunks) {
    framer.push(chunk);
    out.bufferedAfterPush.push(framer.buffered);
  }
  if (end) framer.end();
  out.discarded = framer.discarded;
  return out;
}

/** Splits bytes into chunks at the given cut points (sorted, deduplicated, within range). */
export function cutAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

/** One chunk per byte. */
export function bytewise(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}

/** Concatenation of byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.length)));
}

/** A deterministic pseudo-random generator (mulberry32) so chunkings are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random cut points for a byte length. */
export function randomCuts(length: number, random: () => number, count: number): number[] {
  return Array.from({ length: count }, () => Math.floor(random() * length));
}
