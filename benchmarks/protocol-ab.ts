/**
 * A/B of the codec's full decode (framer + parseFrame + readCp): an earlier build of protocol/ (A) and this one (B)
 * in one process, alternately on the same chunks, so both see the same machine load. Prints the median of the
 * pairwise B/A rate ratios per frame, and the bytes each allocates per full decode (heap growth over a few hundred
 * frames between forced collections; rounds a scavenge interrupted are dropped). Run through
 * `scripts/protocol-ab.sh <commit-A>`.
 *
 *   node dist/benchmarks/protocol-ab.js <dir of A's compiled protocol/index.js>
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as B from '../protocol/index.js';
import { fleetFrames, largeFrame, minuteFrame, smallFrame } from './lib/frames.js';

type Codec = Pick<typeof B, 'createFramer' | 'parseFrame' | 'readCp'>;
const A = (await import(pathToFileURL(resolve(process.argv[2] ?? '.', 'index.js')).href)) as Codec;
const ROUNDS = 9;
const ROUND_MS = 300;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** About 2 MB of `frames` repeated, cut in 64 KB chunks. */
function chunksOf(frames: Uint8Array): Buffer[] {
  const stream = Buffer.concat(Array.from({ length: Math.max(1, Math.floor((2 << 20) / frames.length)) }, () => frames));
  const chunks: Buffer[] = [];
  for (let i = 0; i < stream.length; i += 65536) chunks.push(stream.subarray(i, i + 65536));
  return chunks;
}

function decodeAll(codec: Codec, chunks: readonly Buffer[], limit = Number.POSITIVE_INFINITY): number {
  let n = 0;
  const framer = codec.createFramer({
    onFrame: (f) => {
      if (n >= limit) return;
      const r = codec.parseFrame(f);
      if (r.ok && codec.readCp(r.packet.cp).factors.length > 0) n++;
    },
  });
  for (const c of chunks) {
    framer.push(c);
    if (n >= limit) break;
  }
  return n;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function newSpaceUsed(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;
}

/** Median bytes allocated per full decode: new-space growth over `FRAMES` frames after a full collection. */
function bytesPerFrame(codec: Codec, chunks: readonly Buffer[]): number {
  const FRAMES = 300;
  const samples: number[] = [];
  for (let i = 0; i < 40 && samples.length < 9; i++) {
    gc();
    const before = newSpaceUsed();
    const n = decodeAll(codec, chunks, FRAMES);
    const after = newSpaceUsed();
    // A scavenge during the round empties the new space: that round says nothing.
    if (after > before) samples.push((after - before) / n);
  }
  samples.sort((x, y) => x - y);
  return samples.length > 0 ? Math.round(samples[samples.length >> 1]!) : Number.NaN;
}

function rate(codec: Codec, chunks: readonly Buffer[], ms: number): number {
  const start = cpuMs();
  let frames = 0;
  while (cpuMs() - start < ms) frames += decodeAll(codec, chunks);
  return (frames * 1000) / (cpuMs() - start);
}

const fleet = fleetFrames(5000);
const cases = [
  ['2011 realtime', smallFrame(), smallFrame().length],
  ['2051 minute', minuteFrame(), minuteFrame().length],
  ['2011 realtime', largeFrame(), largeFrame().length],
  // The same realtime frame from 5,000 collectors in turn: what the MN table (protocol/header.ts) is sized for.
  ['2011 realtime from 5,000 MNs', fleet, fleet.length / 5000],
] as const;
for (const [name, frames, frameLength] of cases) {
  const chunks = chunksOf(frames);
  for (let i = 0; i < 3; i++) [A, B].forEach((c) => rate(c, chunks, 200));
  const ratios: number[] = [];
  let a = 0;
  let b = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const ra = rate(A, chunks, ROUND_MS);
    const rb = rate(B, chunks, ROUND_MS);
    ratios.push(rb / ra);
    a += ra / ROUNDS;
    b += rb / ROUNDS;
  }
  ratios.sort((x, y) => x - y);
  const med = ratios[ROUNDS >> 1]!.toFixed(2);
  const alloc = `${bytesPerFrame(A, chunks)} → ${bytesPerFrame(B, chunks)} B allocated per frame`;
  console.log(`${name}, ${frameLength} B: A ${Math.round(a)} → B ${Math.round(b)} frames/s, B/A ${med} (${ratios[0]!.toFixed(2)}–${ratios.at(-1)!.toFixed(2)}); ${alloc}`);
}
