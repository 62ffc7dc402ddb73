/**
 * The 1.x writer against the local influxd: round trip with awkward names, group commit, an outage simulated by a
 * TCP proxy we cut and restore (the shared influxd keeps running), bad-data isolation and database auto-create.
 */
import t from 'tap';
import type { InfluxConfig } from '../../src/config.js';
import { SinkError } from '../../src/domain/ports.js';
import type { SeriesPoint } from '../../src/domain/series-point.js';
import { createInfluxQuery, quoteIdent, quoteString, type InfluxQuery } from '../../src/storage/influx/query.js';
import { createInfluxWriter, type WriterObserver } from '../../src/storage/influx/writer.js';
import { freshDatabase, influxUrl } from '../helpers/services.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { sinkSuite } from './conformance/sink-suite.js';

const database = freshDatabase();
const base: InfluxConfig = { kind: 'v1', url: influxUrl(), database, batchSize: 5000, flushMs: 20, maxPending: 100_000 };
const influx = createInfluxQuery(base);

interface Batch {
  points: number;
  ok: boolean;
}

/** Records every batch attempt and lets a test wait for the n-th one matching a condition. */
function recorder(): WriterObserver & { batches: Batch[]; when(test: (b: Batch[]) => boolean): Promise<void> } {
  const batches: Batch[] = [];
  const waiters: Array<{ test: (b: Batch[]) => boolean; resolve: () => void }> = [];
  return {
    batches,
    batch(points, _ms, ok) {
      batches.push({ points, ok });
      for (const w of [...waiters]) {
        if (!w.test(batches)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    when(test) {
      return test(batches) ? Promise.resolve() : new Promise((resolve) => waiters.push({ test, resolve }));
    },
  };
}

async function count(q: InfluxQuery, measurement: string, field = '*'): Promise<number> {
  const series = await q.query(`SELECT count(${field === '*' ? '*' : quoteIdent(field)}) FROM ${quoteIdent(measurement)}`);
  const row = series[0]?.values[0] ?? [];
  return Math.max(0, ...row.slice(1).map((v) => Number(v ?? 0)));
}

function pts(measurement: string, n: number, start = 0, fields: (i: number) => SeriesPoint['fields'] = (i) => ({ v: i })): SeriesPoint[] {
  return Array.from({ length: n }, (_, i) => ({ measurement, tags: { mn: 'M1' }, fields: fields(start + i), timeMs: 1_700_000_000_000 + start + i }));
}

t.before(async () => {
  await influx.query(`CREATE DATABASE ${quoteIdent(database)}`);
});
t.teardown(() => influx.query(`DROP DATABASE ${quoteIdent(database)}`).then(() => undefined));

t.test('conformance', async (tt) =>
  sinkSuite(tt, async () => ({ sink: createInfluxWriter(base), stored: (m) => count(influx, m) })),
);

t.test('awkward names and values round-trip exactly', async (tt) => {
  const writer = createInfluxWriter(base);
  const measurement = 'odd meas,ure';
  const tags = { 'm n': "it's, a\\b = odd", factor: '中文' };
  const fields = { 'r,td': 1.25, 'fl=ag': 'say "hi" \\ back\nslash', big: 1e21, yes: true };
  await writer.write([{ measurement, tags, fields, timeMs: 1_700_000_000_123 }]);
  await writer.close();
  const series = await influx.query(`SELECT * FROM ${quoteIdent(measurement)} WHERE ${quoteIdent('m n')} = ${quoteString(tags['m n'])}`);
  tt.equal(series.length, 1);
  const s = series[0];
  const row = Object.fromEntries((s?.columns ?? []).map((c, i) => [c, s?.values[0]?.[i]]));
  tt.same(row, { time: 1_700_000_000_123, 'm n': tags['m n'], factor: '中文', ...fields });
});

t.test('group commit: concurrent write calls share one HTTP write', async (tt) => {
  const observer = recorder();
  const writer = createInfluxWriter({ ...base, flushMs: 50 }, { observer });
  await Promise.all(Array.from({ length: 40 }, (_, i) => writer.write(pts('group', 25, i * 25))));
  tt.same(observer.batches, [{ points: 1000, ok: true }]);
  tt.equal(await count(influx, 'group'), 1000);
  await writer.close();
});

t.test('group commit: a batch holds at most batchSize points unless one call is larger', async (tt) => {
  const observer = recorder();
  const writer = createInfluxWriter({ ...base, batchSize: 100, flushMs: 1000 }, { observer });
  const writes = Array.from({ length: 10 }, (_, i) => writer.write(pts('sized', 30, i * 30)));
  writes.push(writer.write(pts('sized', 150, 300)));
  await Promise.all(writes);
  tt.same(observer.batches.map((b) => b.points), [90, 90, 90, 30, 150]);
  tt.equal(await count(influx, 'sized'), 450);
  await writer.close();
});

t.test('InfluxDB unreachable: writes stay pending, saturate, and resolve once it is back', async (tt) => {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(influxUrl()).port) });
  tt.teardown(() => proxy.close());
  await proxy.cut();
  const observer = recorder();
  const writer = createInfluxWriter({ ...base, url: proxy.url, maxPending: 15, flushMs: 5 }, { observer, retry: { minMs: 5, maxMs: 40 } });
  let drained = 0;
  writer.onDrain(() => drained++);
  let settled = false;
  const writes = [writer.write(pts('outage', 10)), writer.write(pts('outage', 10, 10))];
  void Promise.all(writes).then(() => (settled = true));
  await observer.when((b) => b.filter((x) => !x.ok).length >= 3);
  tt.equal(settled, false, 'nothing resolves while InfluxDB is unreachable');
  tt.equal(writer.pending, 20);
  tt.equal(writer.saturated, true);
  await proxy.restore();
  await Promise.all(writes);
  tt.equal(writer.pending, 0);
  tt.equal(writer.saturated, false);
  tt.equal(drained, 1);
  tt.equal(await count(influx, 'outage'), 20);
  await writer.close();
});

t.test('a refused call rejects as permanent; calls merged with it are stored', async (tt) => {
  const writer = createInfluxWriter({ ...base, flushMs: 30 });
  await writer.write(pts('conflict', 1, 0, () => ({ f: 1 })));
  const observer = recorder();
  const merged = createInfluxWriter({ ...base, flushMs: 30 }, { observer });
  const good1 = merged.write(pts('conflict', 3, 10, (i) => ({ f: i })));
  const bad = merged.write(pts('conflict', 2, 20, () => ({ f: 'not a number' })));
  const good2 = merged.write(pts('conflict', 3, 30, (i) => ({ f: i, note: 'ok' })));
  const err = await bad.catch((e: unknown) => e);
  tt.ok(err instanceof SinkError && err.permanent, 'the bad call rejects with SinkError(permanent)');
  tt.match((err as Error).message, /field type conflict/);
  await Promise.all([good1, good2]);
  tt.equal(observer.batches[0]?.ok, false, 'the merged batch was refused first');
  tt.equal(observer.batches[0]?.points, 8);
  tt.equal(await count(influx, 'conflict', 'f'), 7);
  await Promise.all([writer.close(), merged.close()]);
});

t.test('a point line protocol cannot carry rejects its call at once', async (tt) => {
  const writer = createInfluxWriter(base);
  const err = await writer.write([{ measurement: 'm', tags: { mn: 'bad\\' }, fields: { v: 1 }, timeMs: 1 }]).catch((e: unknown) => e);
  tt.ok(err instanceof SinkError && err.permanent, 'SinkError(permanent)');
  tt.equal(writer.pending, 0);
  await writer.close();
});

t.test('a missing database is created on the first write', async (tt) => {
  const fresh = freshDatabase();
  const config: InfluxConfig = { ...base, database: fresh };
  const writer = createInfluxWriter(config, { retry: { minMs: 5, maxMs: 20 } });
  tt.teardown(() => influx.query(`DROP DATABASE ${quoteIdent(fresh)}`).then(() => undefined));
  await writer.write(pts('autocreate', 5));
  await writer.close();
  const databases = (await influx.query('SHOW DATABASES'))[0]?.values.flat() ?? [];
  tt.ok(databases.includes(fresh), 'database exists');
  tt.equal(await count(createInfluxQuery(config), 'autocreate'), 5);
});

t.test('close() flushes what is buffered without waiting for flushMs', async (tt) => {
  const writer = createInfluxWriter({ ...base, flushMs: 600_000 });
  const write = writer.write(pts('closing', 3));
  await writer.close();
  await write;
  tt.equal(await count(influx, 'closing'), 3);
});
