/**
 * The gateway's raw-archive path of a stored frame (issue 13), before and after, in one process: the recorder's entry
 * (password masked, cut to the raw limit), the Redis entry encoding and ioredis' encoding of the script call
 * (`Command.toWritable`, what goes on the socket), for batches of 500 stored frames. Before: the writer kept in
 * test/storage/reference/archive-v1.ts (object spread, `toEntry` per frame, two script arguments per frame). After:
 * src/server/archive-recorder.ts and src/storage/redis/archive-entry.ts (one chunk, one argument). The two run
 * alternately in rounds of CPU time; rows give the medians and the median of the pairwise ratios, and the bytes each
 * allocates per frame (JS heap new-space and ArrayBuffer growth over 100 frames between forced collections). No Redis:
 * both store the same entries (test/storage/archive-equivalence.int.test.ts).
 *
 *   node dist/benchmarks/archive-encode.bench.js [--quick]
 */
import { Command } from 'ioredis';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encodeFrame, uploadPacket } from '../protocol/index.js';
import type { ArchivedFrame } from '../src/domain/ports.js';
import { createMetrics } from '../src/metrics.js';
import { ArchiveRecorder, type FrameMeta } from '../src/server/archive-recorder.js';
import { encodeChunk } from '../src/storage/redis/archive-entry.js';
import { appendArgs, recorderEntry } from '../test/storage/reference/archive-v1.js';
import { minuteFrame, smallFrame } from './lib/frames.js';
import { writeResults, type Row } from './lib/report.js';

const QUICK = process.argv.includes('--quick');
const ROUNDS = QUICK ? 3 : 9;
const ROUND_MS = QUICK ? 100 : 300;
const BATCH = 500;
const LIMITS = { maxRawBytes: 4096, junkRawBytes: 512, repeatWindowMs: 60_000 };
const KEYS = ['hj212:frames', 'hj212:frames:bytes'];
const SHA = '0123456789abcdef0123456789abcdef01234567';

/** The 6-factor realtime upload of the issue 13 profile (hj212-sim's water factors). */
function realtimeFrame(): Uint8Array {
  const codes = ['w01018', 'w21003', 'w01001', 'w21011', 'w21001', 'w00000'];
  const factors = codes.map((code, i) => ({ code, rtd: (i * 3.17 + 1).toFixed(2), flag: 'N' }));
  return encodeFrame(uploadPacket({ st: '32', pw: '123456', mn: '33010600000001W00000001A', qn: '20240315104000001' }, '2011', { dataTime: '20240315103000', factors }));
}

/** What frame-verdicts.ts finish() hands the recorder for a stored upload. */
const metaOf = (i: number): FrameMeta => ({ receivedAt: 1_710_470_400_000 + i, sourceIp: '10.1.2.3', mn: '33010600000001W00000001A', cn: '2011', verdict: 'stored', code: undefined });

type Path = (raws: readonly Buffer[]) => number;

const before: Path = (raws) => {
  const frames = raws.map((raw, i) => recorderEntry(metaOf(i), raw, LIMITS));
  const bytes = new Command('evalsha', [SHA, 2, ...KEYS, ...appendArgs(frames, 1_000_000, Number.MAX_SAFE_INTEGER)]).toWritable({});
  return bytes.length > 0 ? frames.length : 0;
};

const metrics = createMetrics({ defaults: false });
const after: Path = (raws) => {
  const frames: ArchivedFrame[] = [];
  const recorder = new ArchiveRecorder((f) => frames.push(f), LIMITS, metrics);
  for (let i = 0; i < raws.length; i++) recorder.record(metaOf(i), raws[i] as Buffer);
  const { data } = encodeChunk(frames, 0, BATCH, 4 << 20);
  const bytes = new Command('evalsha', [SHA, 2, ...KEYS, 1_000_000, Number.MAX_SAFE_INTEGER, data]).toWritable({});
  return bytes.length > 0 ? frames.length : 0;
};

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** µs per frame over one round of `ms` CPU milliseconds. */
function round(path: Path, raws: readonly Buffer[], ms: number): number {
  const start = cpuMs();
  let frames = 0;
  while (cpuMs() - start < ms) frames += path(raws);
  return ((cpuMs() - start) * 1000) / frames;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const newSpace = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;

/** Median bytes allocated per frame: new-space plus ArrayBuffer growth over 100 frames after a full collection. */
function bytesPerFrame(path: Path, raws: readonly Buffer[]): number {
  const few = raws.slice(0, 100);
  const samples: number[] = [];
  for (let i = 0; i < 40 && samples.length < 9; i++) {
    gc();
    const heap = newSpace();
    const buffers = process.memoryUsage().arrayBuffers;
    const n = path(few);
    const grown = newSpace() - heap;
    // A scavenge during the round empties the new space: that round says nothing.
    if (grown > 0) samples.push((grown + process.memoryUsage().arrayBuffers - buffers) / n);
  }
  samples.sort((x, y) => x - y);
  return samples.length > 0 ? Math.round(samples[samples.length >> 1]!) : Number.NaN;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

function bench(kind: string, frame: Uint8Array): Row {
  const raws = Array.from({ length: BATCH }, () => Buffer.from(frame));
  round(before, raws, ROUND_MS);
  round(after, raws, ROUND_MS);
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(round(before, raws, ROUND_MS));
    b.push(round(after, raws, ROUND_MS));
  }
  const ratios = a.map((x, i) => x / b[i]!);
  const row: Row = {
    frame: kind,
    'before µs/frame': Math.round(median(a) * 100) / 100,
    'after µs/frame': Math.round(median(b) * 100) / 100,
    'before/after': Math.round(median(ratios) * 100) / 100,
    'before B/frame': bytesPerFrame(before, raws),
    'after B/frame': bytesPerFrame(after, raws),
  };
  console.log(JSON.stringify(row));
  return row;
}

const realtime = realtimeFrame();
const small = smallFrame();
const minute = minuteFrame();
writeResults('archive-encode', [
  bench(`2011 realtime 6 factors, ${realtime.length} B`, realtime),
  bench(`2011 realtime 4 factors, ${small.length} B`, small),
  bench(`2051 minute, ${minute.length} B`, minute),
]);
