/**
 * Group-commit writer throughput against a real InfluxDB 1.x, with the raw ingest ceiling measured in the same run:
 * the same points as 5000-line bodies POSTed back to back (one request in flight, like the writer), once
 * pre-serialized (InfluxDB alone) and once serialized on the fly (InfluxDB + line protocol in one thread).
 * Frames are simulated as write() calls of 10 points; the producer honours `saturated`/`onDrain` as the gateway
 * does. Points are made on the fly, as parsing frames would (pre-generating 200k points made GC dominate every
 * pass). Shared machines are noisy: compare the numbers of one run.
 *
 *   node dist/benchmarks/influx-writer.bench.js [points=200000]
 *   env HJ212_INFLUX_URL (default http://127.0.0.1:8086)
 */
import { randomBytes } from 'node:crypto';
import type { InfluxConfig } from '../src/config.js';
import type { SeriesPoint } from '../src/domain/series-point.js';
import { createInfluxQuery, quoteIdent } from '../src/storage/influx/query.js';
import { createInfluxWriter } from '../src/storage/influx/writer.js';
import { toLines } from '../src/storage/influx/line-protocol.js';

const url = process.env.HJ212_INFLUX_URL ?? 'http://127.0.0.1:8086';
const total = Number(process.argv[2] ?? 200_000);
const FRAME_POINTS = 10;
const BATCH = 5000;
const FACTORS = ['a21026', 'a21002', 'a21004', 'a34013', 'a01012', 'a01013', 'a01014', 'a01011', 'a00000', 'a19001'];

function makePoints(measurement: string, n: number, start: number): SeriesPoint[] {
  return Array.from({ length: n }, (_, i) => {
    const k = start + i;
    return {
      measurement,
      tags: { mn: `010000A8900016F00016${String(k % 500).padStart(4, '0')}`, factor: FACTORS[k % FACTORS.length] ?? 'a00000', st: '22' },
      fields: { avg: (k % 977) / 7, min: (k % 311) / 3, max: (k % 1013) / 5, cou: k % 97, flag: 'N' },
      timeMs: 1_700_000_000_000 + Math.floor(k / 5000) * 60_000 + (k % 5000),
    };
  });
}

async function post(database: string, body: string | Buffer): Promise<void> {
  const res = await fetch(`${url}/write?db=${database}&precision=ms`, { method: 'POST', body });
  await res.arrayBuffer();
  if (res.status !== 204) throw new Error(`raw write failed: ${res.status}`);
}

/** Points/s of 5000-point bodies, serialized before timing or during it. */
async function raw(database: string, measurement: string, preSerialize: boolean): Promise<number> {
  const batch = (start: number): string => toLines(makePoints(measurement, Math.min(BATCH, total - start), start));
  const starts = Array.from({ length: Math.ceil(total / BATCH) }, (_, i) => i * BATCH);
  const bodies = preSerialize ? starts.map((start) => Buffer.from(batch(start))) : [];
  const started = performance.now();
  for (const [i, start] of starts.entries()) await post(database, bodies[i] ?? batch(start));
  return total / ((performance.now() - started) / 1000);
}

async function viaWriter(config: InfluxConfig): Promise<{ rate: number; batches: number }> {
  let batches = 0;
  const writer = createInfluxWriter(config, { observer: { batch: (_n, _ms, ok) => void (ok && batches++) } });
  const drained = (): Promise<void> => new Promise((resolve) => writer.onDrain(resolve));
  const started = performance.now();
  const writes: Array<Promise<void>> = [];
  for (let start = 0; start < total; start += FRAME_POINTS) {
    if (writer.saturated) await drained();
    writes.push(writer.write(makePoints('writer', FRAME_POINTS, start)));
  }
  await Promise.all(writes);
  const rate = total / ((performance.now() - started) / 1000);
  await writer.close();
  return { rate, batches };
}

async function main(): Promise<void> {
  const database = `bench_${randomBytes(4).toString('hex')}`;
  const config: InfluxConfig = { kind: 'v1', url, database, batchSize: BATCH, flushMs: 100, maxPending: 50_000 };
  const query = createInfluxQuery(config);
  await query.query(`CREATE DATABASE ${quoteIdent(database)}`);
  try {
    const ceiling = await raw(database, 'raw', true);
    const serializing = await raw(database, 'raw_lp', false);
    const { rate, batches } = await viaWriter(config);
    const result = {
      points: total,
      rawPreSerializedPerS: Math.round(ceiling),
      rawSerializingPerS: Math.round(serializing),
      writerPerS: Math.round(rate),
      writerVsCeiling: +(rate / ceiling).toFixed(2),
      writerBatches: batches,
      node: process.version,
    };
    console.log(JSON.stringify(result));
  } finally {
    await query.query(`DROP DATABASE ${quoteIdent(database)}`);
  }
}

await main();
