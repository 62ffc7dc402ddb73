/**
 * A/B of the latest-value path of a stored frame, in one process on the same parsed frames: A = one entry object per
 * factor per frame, two holders (benchmarks/baseline/latest-per-frame.ts); B = the gateway's LatestCoalescer (references
 * to the readings, entries built when flushing). Both end where the store adapter encodes: the entries grouped per
 * collector, kind and factor. Load: 1,000 collectors uploading one frame a second, a 5 s write interval (the default
 * HJ212_LATEST_FLUSH_MS; A's gateway holder flushes every second). Prints CPU ns per frame (median of alternating
 * rounds) and bytes allocated per frame (new-space growth over one interval between forced collections).
 *
 *   npx tsc -p tsconfig.json && node dist/benchmarks/latest-ab.js
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseFrame, readCp, type CpData } from '../protocol/index.js';
import type { LatestEntry } from '../src/domain/ports.js';
import { LatestCoalescer } from '../src/server/latest-coalescer.js';
import { PerFrameLatest, groupEntries, type Table } from './baseline/latest-per-frame.js';
import { minuteFrame, smallFrame } from './lib/frames.js';

const COLLECTORS = 1000;
const SECONDS = 5;
const ROUNDS = 9;
const ROUND_MS = 300;
const T0 = Date.UTC(2024, 2, 15, 2);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const newSpaceUsed = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;
const cpuNs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};

/** What the adapter would encode; kept so neither side's work is dead code. */
let sink = 0;
const consume = (table: Table): void => void (sink += table.size);

interface Side {
  /** One write interval: every collector uploads once a second; returns the frames handled. */
  interval(collectors: number): Promise<number>;
}

function sideA(mns: readonly string[], frames: readonly CpData[][]): Side {
  const a = new PerFrameLatest(async (table) => consume(table));
  return {
    async interval(collectors) {
      for (let s = 0; s < SECONDS; s++) {
        for (let c = 0; c < collectors; c++) a.push(mns[c]!, 'realtime', frames[c]![s]!, T0 + s * 1000);
        await a.flushGateway();
      }
      await a.flushAdapter();
      return collectors * SECONDS;
    },
  };
}

/** `group`: the store groups the entries as the Redis adapter does (false: the holder alone). */
function sideB(mns: readonly string[], frames: readonly CpData[][], group = true): Side {
  const store = { update: async (entries: readonly LatestEntry[]) => void (group ? consume(groupEntries(entries)) : (sink += entries.length)) };
  const b = new LatestCoalescer(store, (err) => console.error(err), { intervalMs: 60_000 });
  return {
    async interval(collectors) {
      for (let s = 0; s < SECONDS; s++) {
        for (let c = 0; c < collectors; c++) b.hold(mns[c]!, 'realtime', T0 + s * 1000, frames[c]![s]!.factors);
      }
      await b.flush();
      return collectors * SECONDS;
    },
  };
}

async function nsPerFrame(side: Side, ms: number): Promise<number> {
  const start = cpuNs();
  let n = 0;
  while (cpuNs() - start < ms * 1e6) n += await side.interval(COLLECTORS);
  return (cpuNs() - start) / n;
}

/** Median new-space growth per frame over one interval of 100 collectors; rounds a scavenge interrupted are dropped. */
async function bytesPerFrame(side: Side): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 40 && samples.length < 9; i++) {
    gc();
    const before = newSpaceUsed();
    const n = await side.interval(100);
    const after = newSpaceUsed();
    if (after > before) samples.push((after - before) / n);
  }
  samples.sort((x, y) => x - y);
  return samples.length > 0 ? Math.round(samples[samples.length >> 1]!) : Number.NaN;
}

for (const [name, bytes] of [['2011 realtime, 4 factors', smallFrame()], ['2051 minute, 10 factors', minuteFrame()]] as const) {
  const parsed = parseFrame(bytes);
  if (!parsed.ok) throw new Error('bench frame does not parse');
  const mns = Array.from({ length: COLLECTORS }, (_, i) => `3301060000000${String(i).padStart(4, '0')}W00000001A`);
  // Each frame parsed on its own, as the gateway does: readings are distinct objects per frame.
  const frames = mns.map(() => Array.from({ length: SECONDS }, () => readCp(parsed.packet.cp)));
  const A = sideA(mns, frames);
  const B = sideB(mns, frames);
  for (let i = 0; i < 3; i++) for (const side of [A, B]) await nsPerFrame(side, 200);
  const ratios: number[] = [];
  let a = 0;
  let b = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const na = await nsPerFrame(A, ROUND_MS);
    const nb = await nsPerFrame(B, ROUND_MS);
    ratios.push(na / nb);
    a += na / ROUNDS;
    b += nb / ROUNDS;
  }
  ratios.sort((x, y) => x - y);
  const alone = sideB(mns, frames, false);
  await nsPerFrame(alone, 200);
  const alloc = `${await bytesPerFrame(A)} → ${await bytesPerFrame(B)} B allocated per frame (the holder alone: ${await bytesPerFrame(alone)})`;
  console.log(
    `${name}: A ${Math.round(a)} → B ${Math.round(b)} ns per frame, A/B ${ratios[ROUNDS >> 1]!.toFixed(2)} (${ratios[0]!.toFixed(2)}–${ratios.at(-1)!.toFixed(2)}); ${alloc}`,
  );
}
if (sink === 0) throw new Error('nothing reached the store');
