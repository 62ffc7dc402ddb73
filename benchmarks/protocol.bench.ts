/**
 * Codec micro-benchmarks (pino benchmarks style): CRC, framer, parser and full decode (framer + parseFrame + readCp)
 * on a ~300-byte 4-factor 2011 realtime frame (what most collectors send), a 10-factor 2051 minute-data frame and a
 * ~1000-byte frame, streamed in 64 KiB chunks as a socket delivers
 * them; and the peers' parsing (benchmarks/baseline/peer-parsers.ts) on the same frames. Every row is also given as a ratio to a baseline measured in the same run on the same bytes: a plain
 * `Buffer.indexOf('##')` scan, the least work any framer must do. Shared machines are noisy; compare ratios.
 *
 *   node dist/benchmarks/protocol.bench.js [--quick]
 */
import { createFramer, crc16, parseFrame, readCp } from '../protocol/index.js';
import { goPeerParse, nodePeerParse } from './baseline/peer-parsers.js';
import { largeFrame, minuteFrame, smallFrame } from './lib/frames.js';
import { writeResults, type Row } from './lib/report.js';

const QUICK = process.argv.includes('--quick');
/** Measured rounds per row; the median is reported (robust against a noisy neighbour). */
const ROUNDS = QUICK ? 3 : 7;
const ROUND_MS = QUICK ? 150 : 400;
const CHUNK = 64 * 1024;
const STREAM_BYTES = 2 * 1024 * 1024;

/** Frames back to back up to ~2 MiB, cut into 64 KiB chunks (one socket read each). */
function streamOf(frame: Uint8Array): { stream: Buffer; chunks: Buffer[]; frames: number } {
  const frames = Math.floor(STREAM_BYTES / frame.length);
  const stream = Buffer.concat(Array.from({ length: frames }, () => frame));
  const chunks: Buffer[] = [];
  for (let i = 0; i < stream.length; i += CHUNK) chunks.push(stream.subarray(i, i + CHUNK));
  return { stream, chunks, frames };
}

/** Process CPU time in ms: unlike wall time it does not count time spent descheduled by other work on the machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs `op` (which processes `frames` frames) in timed rounds after a warm-up; returns the median frames per second. */
function measure(op: () => number, frames: number): number {
  const warmUntil = cpuMs() + ROUND_MS;
  while (cpuMs() < warmUntil) op();
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let done = 0;
    const start = cpuMs();
    let now = start;
    while (now - start < ROUND_MS) {
      if (op() !== frames) throw new Error('benchmark op lost frames');
      done += frames;
      now = cpuMs();
    }
    rates.push((done * 1000) / (now - start));
  }
  return rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
}

function bench(kind: string, frame: Uint8Array): Row[] {
  const { stream, chunks, frames } = streamOf(frame);
  const header = Buffer.from('##');
  const frameList = Array.from({ length: frames }, (_, i) => stream.subarray(i * frame.length, (i + 1) * frame.length));
  const ops: [string, () => number][] = [
    [
      'baseline: Buffer.indexOf("##") scan',
      () => {
        let n = 0;
        for (let i = stream.indexOf(header); i >= 0; i = stream.indexOf(header, i + 2)) n++;
        return n;
      },
    ],
    ['crc16 (hj212) of each data segment', () => frameList.reduce((n, f) => (crc16(f, 6, f.length - 6) >= 0 ? n + 1 : n), 0)],
    ['framer (64 KiB chunks)', () => framerRun(chunks, () => undefined)],
    ['parseFrame of each frame', () => frameList.reduce((n, f) => (parseFrame(f).ok ? n + 1 : n), 0)],
    ['full decode: framer + parseFrame + readCp', () => framerRun(chunks, (f) => fullDecode(f))],
    // The peers' parsing (benchmarks/baseline/peer-parsers.ts), cut by the same framer.
    ['peer: Node split parse, no length/CRC check', () => framerRun(chunks, (f) => nodePeerParse(f) > 0)],
    ['peer: Go approach, length + bitwise CRC + split', () => framerRun(chunks, (f) => goPeerParse(f) > 0)],
  ];
  const rows: Row[] = [];
  let baseline = 0;
  for (const [name, op] of ops) {
    const rate = measure(op, frames);
    if (baseline === 0) baseline = rate;
    rows.push({
      frame: kind,
      step: name,
      'frames/s': Math.round(rate),
      'MB/s': Math.round((rate * frame.length) / 1e5) / 10,
      'ratio to baseline': Math.round((rate / baseline) * 1000) / 1000,
    });
    console.log(`${kind.padEnd(22)} ${name.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} frames/s`);
  }
  return rows;
}

function fullDecode(frame: Uint8Array): boolean {
  const r = parseFrame(frame);
  return r.ok && readCp(r.packet.cp).factors.length > 0;
}

function framerRun(chunks: readonly Buffer[], onFrame: (f: Uint8Array) => unknown): number {
  let n = 0;
  const framer = createFramer({
    onFrame: (f) => {
      if (onFrame(f) !== false) n++;
    },
  });
  for (const chunk of chunks) framer.push(chunk);
  return n;
}

const small = smallFrame();
const minute = minuteFrame();
const large = largeFrame();
const rows = [
  ...bench(`2011 realtime, ${small.length} B`, small),
  ...bench(`2051 minute, ${minute.length} B`, minute),
  ...bench(`2011 realtime, ${large.length} B`, large),
];
writeResults('protocol', rows);
