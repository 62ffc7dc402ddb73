/**
 * HTTP API throughput with autocannon against the API listening on 127.0.0.1, backed by a real Redis and a fresh
 * InfluxDB database holding one day of hourly data (10 factors) of one collector. Measures the series endpoint
 * (24 hours x 1 factor, JSON), the latest-values endpoint and, as a baseline in the same run, /health (no token,
 * no storage): the ratio says how much of the ceiling the storage round trips cost. autocannon runs in a worker
 * thread so it does not share the API's event loop. Shared machines are noisy: compare numbers of one run.
 *
 * The API shares identical reading queries for one second (src/api/read-cache.ts): the series and latest rows run
 * with that default; the `uncached` rows run against a second instance with the cache off, so every request is one
 * InfluxDB query (the cost a portal pays for a query nobody asked for in the last second).
 *
 *   node dist/benchmarks/api.bench.js [seconds=10] [connections=20]
 *   env HJ212_REDIS_URL (default redis://127.0.0.1:6379), HJ212_INFLUX_URL (default http://127.0.0.1:8086)
 * Writes benchmarks/results/api.json and the `api` table of benchmarks/README.md.
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { buildApi } from '../src/api/build-api.js';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../src/api/build-api.js';
import type { InfluxConfig } from '../src/config.js';
import { newDevice } from '../src/domain/device-defaults.js';
import { createMetrics } from '../src/metrics.js';
import { createInfluxQuery } from '../src/storage/influx/query.js';
import { createInfluxReadings } from '../src/storage/influx/readings.js';
import { createRedisAudit } from '../src/storage/redis/audit.js';
import { createRedisCatalog } from '../src/storage/redis/catalog.js';
import { createRedisRegistry } from '../src/storage/redis/registry.js';
import { createRedisSessions } from '../src/storage/redis/sessions.js';
import { createRedisTokens } from '../src/storage/redis/tokens.js';
import { writeResults } from './lib/report.js';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 20);
const redisUrl = process.env.HJ212_REDIS_URL ?? 'redis://127.0.0.1:6379';
const influxUrl = process.env.HJ212_INFLUX_URL ?? 'http://127.0.0.1:8086';
const MN = '010000A8900016F000169DC0';
const FACTORS = ['w01018', 'w01001', 'w00000', 'w21003', 'w21011', 'w21001', 'w01012', 'w01009', 'w01010', 'w01014'];
const DAY = Date.parse('2024-05-01T00:00:00+08:00');

async function influx(q: string): Promise<void> {
  const res = await fetch(`${influxUrl}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
  await res.arrayBuffer();
}

/** One day of hourly data for MN: 24 hours x 10 factors. */
async function seed(database: string): Promise<void> {
  const lines: string[] = [];
  for (let h = 0; h < 24; h++) {
    FACTORS.forEach((f, i) => lines.push(`hour,mn=${MN},factor=${f},st=32 avg=${i + h / 10},min=${i},max=${i + 1},cou=${h},flag="N",raw="Avg=${i + h / 10},Flag=N" ${DAY + h * 3_600_000}`));
  }
  const res = await fetch(`${influxUrl}/write?db=${database}&precision=ms`, { method: 'POST', body: lines.join('\n') });
  if (res.status !== 204) throw new Error(`seed failed: ${res.status} ${await res.text()}`);
}

interface Row {
  name: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function measure(name: string, url: string, headers: Record<string, string>): Promise<Row> {
  // A short warm-up fills connection pools and JIT caches; its numbers are discarded.
  await autocannon({ url, connections, duration: 2, headers, workers: 1 });
  const r = await autocannon({ url, connections, duration: seconds, headers, workers: 1 });
  return { name, requestsPerSec: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

async function main(): Promise<void> {
  const prefix = `bench_${randomBytes(4).toString('hex')}:`;
  const database = `bench_${randomBytes(4).toString('hex')}`;
  await influx(`CREATE DATABASE "${database}"`);
  await seed(database);
  const redis = new Redis(redisUrl);
  const config: InfluxConfig = { kind: 'v1', url: influxUrl, database, batchSize: 1000, flushMs: 100, maxPending: 10_000 };
  const query = createInfluxQuery(config);
  const registry = createRedisRegistry({ redis, prefix });
  const sessions = createRedisSessions(redis, { prefix, timeZone: 'Asia/Shanghai' });
  const tokens = createRedisTokens({ redis, prefix });
  await registry.put(newDevice({ mn: MN, password: 'Bench#pw1' }));
  const { secret } = await tokens.create({ name: 'bench reader', role: 'reader', main: false, createdBy: 'bench' });
  const deps: ApiDeps = {
    registry,
    sessions,
    catalog: createRedisCatalog({ redis, prefix }),
    tokens,
    audit: createRedisAudit({ redis, prefix }),
    readings: createInfluxReadings(query),
    probes: [{ name: 'influxdb', check: () => query.ping() }],
    metrics: createMetrics({ defaults: false }),
  };
  const apps: FastifyInstance[] = [];
  async function start(readCacheMs?: number): Promise<string> {
    const app = await buildApi({ ...deps, metrics: createMetrics({ defaults: false }) }, { bodyLimit: 1_048_576, timeZone: 'Asia/Shanghai', readCacheMs });
    apps.push(app);
    return app.listen({ host: '127.0.0.1', port: 0 });
  }
  const base = await start();
  const uncached = await start(0);
  const auth = { authorization: `Bearer ${secret}` };
  const range = `from=${encodeURIComponent('2024-05-01T00:00:00+08:00')}&to=${encodeURIComponent('2024-05-02T00:00:00+08:00')}`;
  const seriesPath = `/readings?mn=${MN}&factor=w01018&kind=hour&${range}`;
  const latestPath = `/collectors/${MN}/latest?kind=hour`;
  try {
    const measured = [
      await measure('baseline: /health (no token, no storage)', `${base}/health`, {}),
      await measure('series: 24 h hourly, 1 factor (JSON)', `${base}${seriesPath}`, auth),
      await measure('latest values: hour, 10 factors', `${base}${latestPath}`, auth),
      await measure('series, read cache off', `${uncached}${seriesPath}`, auth),
      await measure('latest values, read cache off', `${uncached}${latestPath}`, auth),
    ];
    const baseline = measured[0]?.requestsPerSec ?? 1;
    const rows = measured.map((r) => ({
      endpoint: r.name,
      'requests/s': r.requestsPerSec,
      'p50 ms': r.p50Ms,
      'p99 ms': r.p99Ms,
      'non-2xx': r.non2xx + r.errors,
      'ratio to baseline': Number((r.requestsPerSec / baseline).toFixed(3)),
    }));
    console.table(rows);
    writeResults('api', rows);
    if (measured.some((r) => r.non2xx > 0 || r.errors > 0)) process.exitCode = 1;
  } finally {
    for (const app of apps) await app.close();
    sessions.close();
    await registry.close();
    await influx(`DROP DATABASE "${database}"`);
    await redis.quit();
  }
}

await main();
