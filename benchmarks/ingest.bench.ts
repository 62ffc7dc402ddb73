/**
 * Gateway end-to-end ingest: hj212-sim fleets (child processes) → gateway role (child process) → real InfluxDB,
 * against the raw InfluxDB ceiling measured in the same run (the same points, pre-serialised, POSTed in 5000-line
 * batches to /write, one request in flight like the gateway's writer). Then ack latency at a fixed rate of about
 * 5,000 frames/s. Shared machines are noisy: compare the numbers of one run, not runs with each other.
 *
 *   node dist/benchmarks/ingest.bench.js [uploads=60000] [rateCollectors=5000] [rateSeconds=20]
 *   env HJ212_REDIS_URL, HJ212_INFLUX_URL (defaults: local services)
 * Writes benchmarks/results/ingest.json.
 */
import { randomBytes } from 'node:crypto';
import { readCp } from '../protocol/index.js';
import { createIdentities } from '../src/sim/identity.js';
import { noFaults } from '../src/sim/faults.js';
import { createPacketBuilder } from '../src/sim/packets.js';
import { uploadLines } from '../src/storage/influx/upload-lines.js';
import { startGatewayChild, runSim } from './children/spawn.js';
import { writeResults } from './lib/report.js';

const uploads = Number(process.argv[2] ?? 60_000);
const rateCollectors = Number(process.argv[3] ?? 5000);
const rateSeconds = Number(process.argv[4] ?? 20);
const redisUrl = process.env.HJ212_REDIS_URL ?? 'redis://127.0.0.1:6379';
const influxUrl = process.env.HJ212_INFLUX_URL ?? 'http://127.0.0.1:8086';
const START = '2024-01-01T00:00:00+08:00';
const SATURATE_COLLECTORS = 500;
const BATCH = 5000;

async function influx(q: string): Promise<void> {
  const res = await fetch(`${influxUrl}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
  await res.arrayBuffer();
}

/** Raw ceiling: the fleet's own realtime points (same MNs, factors, values), 5000 lines per POST. */
async function rawCeiling(database: string): Promise<{ points: number; pointsPerS: number }> {
  const ids = createIdentities({ count: SATURATE_COLLECTORS, version: '2017', profile: 'water', password: '123456', mnPrefix: 'RAW', faults: noFaults(), skewS: 0, seed: 1 });
  const builders = ids.map((id) => createPacketBuilder(id, 'Asia/Shanghai'));
  const t0 = Date.parse(START);
  const lines: string[] = [];
  for (let i = 0; i < uploads; i++) {
    const packet = builders[i % builders.length]!.upload({ cn: '2011', dataTime: t0 + Math.floor(i / builders.length) * 30_000, lengthMs: 0 }, '20240101000000000', true);
    const cp = readCp(packet.cp);
    const upload = { kind: 'realtime', mn: packet.mn ?? '', st: packet.st ?? '', cn: packet.cn, timeMs: cp.dataTimeMs ?? 0, cp, wire: packet.cp };
    lines.push(...uploadLines(upload).text.split('\n'));
  }
  const bodies: string[] = [];
  for (let i = 0; i < lines.length; i += BATCH) bodies.push(lines.slice(i, i + BATCH).join('\n'));
  const started = performance.now();
  for (const body of bodies) {
    const res = await fetch(`${influxUrl}/write?db=${database}&precision=ms`, { method: 'POST', body });
    await res.arrayBuffer();
    if (res.status !== 204) throw new Error(`raw write failed: ${res.status}`);
  }
  return { points: lines.length, pointsPerS: lines.length / ((performance.now() - started) / 1000) };
}

function simArgs(port: number, prefix: string, mnPrefix: string): string[] {
  return ['--port', String(port), '--ack', '--register', redisUrl, '--redis-prefix', prefix, '--mn-prefix', mnPrefix, '--progress', '0', '--start', START, '--minute-interval', '0', '--no-hour', '--no-day'];
}

async function main(): Promise<void> {
  const database = `bench_${randomBytes(4).toString('hex')}`;
  const prefix = `bench_${randomBytes(4).toString('hex')}:`;
  await influx(`CREATE DATABASE "${database}"`);
  const gateway = await startGatewayChild({ HJ212_TCP_HOST: '127.0.0.1', HJ212_TCP_PORT: '0', HJ212_REDIS_URL: redisUrl, HJ212_REDIS_PREFIX: prefix, HJ212_INFLUX_URL: influxUrl, HJ212_INFLUX_DATABASE: database, HJ212_MAX_CONNECTIONS_PER_IP: '19000', HJ212_MAX_CONNECTIONS: '19000' });
  try {
    const raw = await rawCeiling(database);
    // Saturation: virtual time, 500 collectors with 4 uploads in flight each keep the group commit full.
    const count = Math.ceil(uploads / SATURATE_COLLECTORS);
    const cpu0 = (await gateway.rss()).cpuUs;
    const sat = await runSim([...simArgs(gateway.port, prefix, 'SAT'), '--collectors', String(SATURATE_COLLECTORS), '--count', String(count), '--speed', 'max', '--window', '4', '--realtime-interval', '30']);
    const gatewayPointsPerS = (sat.acked * 6) / sat.elapsedS;
    const cpu1 = (await gateway.rss()).cpuUs;
    // Fixed rate: N collectors each uploading every second in real time ≈ N frames/s.
    const rate = await runSim([...simArgs(gateway.port, prefix, 'RATE'), '--collectors', String(rateCollectors), '--duration', String(rateSeconds), '--realtime-interval', '1', '--ramp', '2']);
    const { rss, connections, cpuUs: cpu2 } = await gateway.rss();
    // Gateway CPU time per frame received: steadier than rates when other work shares the cores.
    const satCpu = Math.round((cpu1 - cpu0) / Math.max(1, sat.frames));
    const rateCpu = Math.round((cpu2 - cpu1) / Math.max(1, rate.frames));
    const rows = [
      { measurement: 'raw InfluxDB ceiling, 5000-line batches', 'points/s': Math.round(raw.pointsPerS), 'ratio to ceiling': 1, 'ack p50 ms': '', 'ack p99 ms': '', 'gateway CPU µs/frame': '', connections: '', target: '', notes: `${raw.points} points` },
      { measurement: `gateway end-to-end, ${SATURATE_COLLECTORS} collectors, virtual clock`, 'points/s': Math.round(gatewayPointsPerS), 'ratio to ceiling': +(gatewayPointsPerS / raw.pointsPerS).toFixed(2), 'ack p50 ms': sat.ackLatencyMs.p50, 'ack p99 ms': sat.ackLatencyMs.p99, 'gateway CPU µs/frame': satCpu, connections: sat.connectionsOpen, target: '≥ 0.80', notes: `${sat.acked}/${sat.uploads} acked, ${sat.timeouts} timeouts` },
      { measurement: `${rateCollectors} collectors × 1 frame/s, real time`, 'points/s': Math.round(rate.framesPerS * 6), 'ratio to ceiling': +((rate.framesPerS * 6) / raw.pointsPerS).toFixed(2), 'ack p50 ms': rate.ackLatencyMs.p50, 'ack p99 ms': rate.ackLatencyMs.p99, 'gateway CPU µs/frame': rateCpu, connections: rate.connectionsOpen, target: 'p99 ≤ 250 ms', notes: `${Math.round(rate.framesPerS)} frames/s, ${rate.timeouts} timeouts; gateway RSS ${Math.round(rss / 1e6)} MB (${connections} open after)` },
    ];
    console.log(JSON.stringify(rows, null, 2));
    writeResults('ingest', rows);
  } finally {
    await gateway.quit();
    await influx(`DROP DATABASE "${database}"`);
  }
}

await main();
