/**
 * The gateway against the minimal store-then-ack gateway of benchmarks/baseline/ (issue 13), in the same run and
 * under the same hj212-sim load: each phase runs the same fleet (same MNs, factors, values, DataTimes) first against
 * the minimal gateway, then against the gateway role, each writing into its own fresh InfluxDB database. Phases:
 * saturation (500 collectors, virtual clock, 4 uploads in flight each) and a fixed rate (N collectors × 1 frame/s).
 *
 *   node dist/benchmarks/gateway-vs-minimal.bench.js [uploads=30000] [rateCollectors=5000] [rateSeconds=20]
 *   env HJ212_REDIS_URL, HJ212_INFLUX_URL, HJ212_SERVICES_DIR (InfluxDB's pid file, for its CPU time)
 *
 * Per phase and gateway: CPU µs per frame received (process.cpuUsage of the child), ack p50/p99 as the collectors
 * saw them (and, in the fixed-rate phase, p99 of the uploads sent after the first WARMUP_S seconds), Redis input bytes (INFO stats total_net_input_bytes) and Redis / InfluxDB CPU per frame, and check jobs
 * handed to BullMQ per distinct (collector, kind, hour) job id. The minimal fleet runs first with --register, so the
 * registrations are done before the gateway phase's Redis counters start. Writes benchmarks/results/gateway-vs-minimal.json.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Summary } from '../src/sim/stats.js';
import { startGatewayChild, runSim, type GatewayChild } from './children/spawn.js';
import { writeResults, type Row } from './lib/report.js';

const uploads = Number(process.argv[2] ?? 30_000);
const rateCollectors = Number(process.argv[3] ?? 5000);
const rateSeconds = Number(process.argv[4] ?? 20);
const redisUrl = process.env.HJ212_REDIS_URL ?? 'redis://127.0.0.1:6379';
const influxUrl = process.env.HJ212_INFLUX_URL ?? 'http://127.0.0.1:8086';
const START = '2024-01-01T00:00:00+08:00';
const SATURATE_COLLECTORS = 500;
const TICKS_PER_S = 100; // USER_HZ of /proc/<pid>/stat on Linux
/** Fixed-rate phase: uploads sent this long after the fleet connected are the steady state (a fresh gateway process
 * and the fleet's first frames come before; benchmarks/README.md "Ack latency at 5,000 × 1/s"). */
const WARMUP_S = 5;

async function influx(q: string): Promise<void> {
  const res = await fetch(`${influxUrl}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
  await res.arrayBuffer();
}

/** InfluxDB's CPU time so far (µs) from /proc, when the local services' pid file is there; else undefined. */
function influxCpuUs(): number | undefined {
  try {
    const pid = readFileSync(`${process.env.HJ212_SERVICES_DIR ?? '.data/services'}/influx/influxd.pid`, 'utf8').trim();
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_S) * 1e6; // utime, stime
  } catch {
    return undefined;
  }
}

async function redisCounters(redis: Redis): Promise<{ inputBytes: number; cpuUs: number }> {
  const info = await redis.info();
  const num = (key: string): number => Number(new RegExp(`^${key}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
  return { inputBytes: num('total_net_input_bytes'), cpuUs: (num('used_cpu_user') + num('used_cpu_sys')) * 1e6 };
}

interface Measured {
  sim: Summary;
  cpuPerFrame: number;
  redisBytesPerFrame: number;
  redisCpuPerFrame: number;
  influxCpuPerFrame: number | undefined;
  jobsPerHour: number | undefined;
  jobsPerFrame: number;
}

async function measure(gateway: GatewayChild, redis: Redis, args: string[]): Promise<Measured> {
  const before = await gateway.rss();
  const r0 = await redisCounters(redis);
  const i0 = influxCpuUs();
  const sim = await runSim([...args, '--port', String(gateway.port)]);
  // Both gateways get the same settle time: the check-job producer hands its jobs over once a second.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const after = await gateway.rss();
  const r1 = await redisCounters(redis);
  const i1 = influxCpuUs();
  const frames = Math.max(1, sim.frames);
  const jobs = after.jobsAdded - before.jobsAdded;
  const ids = after.jobIds - before.jobIds;
  return {
    sim,
    cpuPerFrame: Math.round((after.cpuUs - before.cpuUs) / frames),
    redisBytesPerFrame: Math.round((r1.inputBytes - r0.inputBytes) / frames),
    redisCpuPerFrame: Math.round((r1.cpuUs - r0.cpuUs) / frames),
    influxCpuPerFrame: i0 === undefined || i1 === undefined ? undefined : Math.round((i1 - i0) / frames),
    jobsPerHour: ids > 0 ? +(jobs / ids).toFixed(2) : undefined,
    jobsPerFrame: +(jobs / frames).toFixed(3),
  };
}

function row(phase: string, which: string, m: Measured, minimalCpu: number, gatewayRun: boolean): Row {
  return {
    phase,
    gateway: which,
    'frames/s': Math.round(m.sim.framesPerS),
    'CPU µs/frame': m.cpuPerFrame,
    'ratio to minimal': +(m.cpuPerFrame / Math.max(1, minimalCpu)).toFixed(2),
    'ack p50 ms': m.sim.ackLatencyMs.p50,
    'ack p99 ms': m.sim.ackLatencyMs.p99,
    'ack p99 after warm-up ms': m.sim.ackLatencyAfterWarmupMs?.p99 ?? '',
    'Redis bytes/frame': gatewayRun ? m.redisBytesPerFrame : '',
    'Redis CPU µs/frame': gatewayRun ? m.redisCpuPerFrame : '',
    'InfluxDB CPU µs/frame': m.influxCpuPerFrame ?? '',
    'check jobs per collector-kind-hour': gatewayRun ? (m.jobsPerHour ?? 0) : '',
    notes: `${m.sim.acked}/${m.sim.uploads} acked, ${m.sim.timeouts} timeouts${gatewayRun ? `, ${m.jobsPerFrame} check jobs/frame` : ''}`,
  };
}

async function phase(name: string, fleetArgs: string[], prefix: string, redis: Redis): Promise<Row[]> {
  const tag = randomBytes(3).toString('hex');
  const dbMin = `bench_min_${tag}`;
  const dbGw = `bench_gw_${tag}`;
  await influx(`CREATE DATABASE "${dbMin}"`);
  await influx(`CREATE DATABASE "${dbGw}"`);
  const common = ['--ack', '--register', redisUrl, '--redis-prefix', prefix, '--mn-prefix', `V${tag.slice(0, 3)}`, '--progress', '0', '--start', START, '--minute-interval', '0', '--no-hour', '--no-day', ...fleetArgs];
  const minimal = await startGatewayChild({ HJ212_TCP_HOST: '127.0.0.1', HJ212_INFLUX_URL: influxUrl, HJ212_INFLUX_DATABASE: dbMin }, 'minimal');
  let min: Measured;
  try {
    min = await measure(minimal, redis, common);
  } finally {
    await minimal.quit();
  }
  const gateway = await startGatewayChild({ HJ212_TCP_HOST: '127.0.0.1', HJ212_TCP_PORT: '0', HJ212_REDIS_URL: redisUrl, HJ212_REDIS_PREFIX: prefix, HJ212_INFLUX_URL: influxUrl, HJ212_INFLUX_DATABASE: dbGw, HJ212_MAX_CONNECTIONS_PER_IP: '19000', HJ212_MAX_CONNECTIONS: '19000' });
  let gw: Measured;
  try {
    gw = await measure(gateway, redis, common);
  } finally {
    await gateway.quit();
    await influx(`DROP DATABASE "${dbMin}"`);
    await influx(`DROP DATABASE "${dbGw}"`);
  }
  return [row(name, 'minimal (benchmarks/baseline)', min, min.cpuPerFrame, false), row(name, 'gateway role', gw, min.cpuPerFrame, true)];
}

async function main(): Promise<void> {
  const prefix = `bench_${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(redisUrl);
  try {
    const count = Math.ceil(uploads / SATURATE_COLLECTORS);
    const sat = await phase(`saturation, ${SATURATE_COLLECTORS} collectors × ${count} uploads`, ['--collectors', String(SATURATE_COLLECTORS), '--count', String(count), '--speed', 'max', '--window', '4', '--realtime-interval', '30'], prefix, redis);
    const rate = await phase(`${rateCollectors} collectors × 1 frame/s, ${rateSeconds} s`, ['--collectors', String(rateCollectors), '--duration', String(rateSeconds), '--realtime-interval', '1', '--ramp', '2', '--warmup', String(WARMUP_S)], prefix, redis);
    const rows = [...sat, ...rate];
    console.log(JSON.stringify(rows, null, 2));
    writeResults('gateway-vs-minimal', rows);
  } finally {
    redis.disconnect();
  }
}

await main();
