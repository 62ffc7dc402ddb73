/**
 * The 2.x write path (`/api/v2/write` through the one InfluxDB HTTP client) against VictoriaMetrics, which speaks
 * it and stores numeric fields as `<measurement>_<field>` series. Data is read back through VM's export API.
 */
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import t from 'tap';
import type { InfluxConfig } from '../../src/config.js';
import { createInfluxWriter, type WriterObserver } from '../../src/storage/influx/writer.js';
import { influxUrl, vmUrl } from '../helpers/services.js';
import { sinkSuite } from './conformance/sink-suite.js';

const config: InfluxConfig = { kind: 'v2', url: vmUrl(), org: 'hj212', bucket: 'hj212', token: 'test-token', database: 'hj212', batchSize: 5000, flushMs: 20, maxPending: 100_000 };
const prefix = `v2_${randomBytes(4).toString('hex')}_`;

interface Exported {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

async function exported(metricRegex: string): Promise<Exported[]> {
  await fetch(`${vmUrl()}/internal/force_flush`).then((r) => r.arrayBuffer());
  const url = `${vmUrl()}/api/v1/export?${new URLSearchParams({ 'match[]': `{__name__=~"${metricRegex}"}` })}`;
  const text = await (await fetch(url)).text();
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Exported);
}

/** Poll VM until `want` samples of the metric are searchable (new series take a moment), at most 15 s. */
async function samples(metricRegex: string, want: number): Promise<Exported[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const series = await exported(metricRegex);
    const n = series.reduce((sum, s) => sum + s.values.length, 0);
    if (n >= want || Date.now() > deadline) return series;
    await delay(50);
  }
}

t.test('conformance', async (tt) =>
  sinkSuite(tt, async () => ({
    sink: createInfluxWriter(config),
    stored: async (m, expected) => (await samples(`${m}_rtd`, expected)).reduce((sum, s) => sum + s.values.length, 0),
  }), prefix),
);

t.test('numeric fields, tags and ms timestamps arrive; concurrent calls share a batch', async (tt) => {
  const batches: number[] = [];
  const observer: WriterObserver = { batch: (points, _ms, ok) => ok && batches.push(points) };
  const writer = createInfluxWriter({ ...config, flushMs: 50 }, { observer });
  const measurement = `${prefix}minute`;
  await Promise.all(
    ['a21026', 'a21002', 'a34013'].map((factor, i) =>
      writer.write([{ measurement, tags: { mn: '010000A8900016F000169DC0', factor }, fields: { avg: i + 0.25, max: 10 * i, flag: 'N' }, timeMs: 1_700_000_060_000 + i }]),
    ),
  );
  await writer.close();
  tt.same(batches, [3]);
  const series = await samples(`${measurement}_avg`, 3);
  const got = series.map((s) => [s.metric.factor, s.metric.mn, s.values[0], s.timestamps[0]]).sort();
  tt.same(got, [
    ['a21002', '010000A8900016F000169DC0', 1.25, 1_700_000_060_001],
    ['a21026', '010000A8900016F000169DC0', 0.25, 1_700_000_060_000],
    ['a34013', '010000A8900016F000169DC0', 2.25, 1_700_000_060_002],
  ]);
  tt.equal((await samples(`${measurement}_max`, 3)).length, 3);
});

/** A TCP proxy whose upstream can be switched; switching drops open (keep-alive) connections. */
async function switchingProxy(upstream: string): Promise<{ url: string; switchTo(url: string): void; close(): Promise<void> }> {
  let target = new URL(upstream);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const up = connect(Number(target.port), target.hostname);
    for (const sock of [client, up]) {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      sock.on('error', () => sock.destroy());
    }
    client.pipe(up).pipe(client);
    up.on('close', () => client.destroy());
    client.on('close', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    switchTo(url) {
      target = new URL(url);
      for (const sock of sockets) sock.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

t.test('an HTTP error answer (InfluxDB 1.6 has no /api/v2/write: 404) is retried until a server takes the points', async (tt) => {
  const proxy = await switchingProxy(influxUrl());
  tt.teardown(() => proxy.close());
  const failures: number[] = [];
  let onFailure = (): void => undefined;
  const observer: WriterObserver = {
    batch: (points, _ms, ok) => {
      if (ok) return;
      failures.push(points);
      onFailure();
    },
  };
  const writer = createInfluxWriter({ ...config, url: proxy.url, flushMs: 5 }, { observer, retry: { minMs: 5, maxMs: 20 } });
  const measurement = `${prefix}retry`;
  let settled = false;
  const write = writer.write([{ measurement, tags: { mn: 'M1' }, fields: { rtd: 7.5 }, timeMs: 1_700_000_000_000 }]).then(() => (settled = true));
  await new Promise<void>((resolve) => (onFailure = () => failures.length >= 2 && resolve()));
  tt.equal(settled, false, 'still pending after two refused attempts');
  tt.equal(writer.pending, 1);
  proxy.switchTo(vmUrl());
  await write;
  await writer.close();
  const series = await samples(`${measurement}_rtd`, 1);
  tt.same(series.map((s) => s.values), [[7.5]]);
});
