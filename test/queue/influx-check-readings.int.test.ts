/** The checks' reading reader against the local influxd: collector and manual points as the gateway and back-fill write them. */
import t from 'tap';
import type { InfluxConfig } from '../../src/config.js';
import { manualPoint } from '../../src/ledgers/backfills.js';
import { createInfluxCheckReadings } from '../../src/storage/influx/check-readings.js';
import { createInfluxQuery, quoteIdent } from '../../src/storage/influx/query.js';
import { createInfluxWriter } from '../../src/storage/influx/writer.js';
import { freshDatabase, influxUrl } from '../helpers/services.js';
import { HOUR, T0 } from '../ledgers/fixtures.js';

const database = freshDatabase();
const config: InfluxConfig = { kind: 'v1', url: influxUrl(), database, batchSize: 100, flushMs: 5, maxPending: 10_000 };
const influx = createInfluxQuery(config);
const writer = createInfluxWriter(config);
const readings = createInfluxCheckReadings(influx);

t.teardown(async () => {
  await writer.close();
  await influx.query(`DROP DATABASE ${quoteIdent(database)}`);
});

t.test('a database that does not exist yet reads as empty', async (tt) => {
  tt.same(await createInfluxCheckReadings(createInfluxQuery({ ...config, database: freshDatabase() })).read('MN1', 'hour', 0, T0), []);
});

t.test('collector readings and manual back-fills, by collector, kind, time window and factor', async (tt) => {
  await writer.write([
    { measurement: 'hour', tags: { mn: 'MN1', factor: 'w01018', st: '32' }, fields: { avg: 12.5, min: 10, max: 15, cou: 3, flag: 'D', eflag: 'E1', raw: 'Avg=12.5' }, timeMs: T0 },
    { measurement: 'hour', tags: { mn: 'MN1', factor: 'w21003', st: '32' }, fields: { avg: 1, flag: 'N', raw: 'Avg=***', invalid: true }, timeMs: T0 },
    { measurement: 'hour', tags: { mn: 'MN2', factor: 'w01018', st: '32' }, fields: { avg: 9, raw: 'Avg=9' }, timeMs: T0 },
    { measurement: 'hour', tags: { mn: 'MN1', st: '32' }, fields: { cn: '2061' }, timeMs: T0 + HOUR },
    manualPoint({ mn: 'MN1', factor: 'w01018', kind: 'hour', periodStart: T0 + 2 * HOUR, values: { avg: 7 } }),
    { measurement: 'minute', tags: { mn: 'MN1', factor: 'w01018', st: '32' }, fields: { avg: 1, raw: 'Avg=1' }, timeMs: T0 },
  ]);
  const rows = await readings.read('MN1', 'hour', T0, T0 + 3 * HOUR);
  tt.same(rows, [
    { factor: 'w01018', timeMs: T0, manual: false, values: { min: 10, avg: 12.5, max: 15, cou: 3 }, flag: 'D', eflag: 'E1', invalid: false, rejected: false },
    { factor: 'w21003', timeMs: T0, manual: false, values: { avg: 1 }, flag: 'N', eflag: undefined, invalid: true, rejected: false },
    { factor: 'w01018', timeMs: T0 + 2 * HOUR, manual: true, values: { avg: 7 }, flag: 'S', eflag: undefined, invalid: false, rejected: false },
  ]);
  tt.same((await readings.read('MN1', 'hour', T0, T0 + 3 * HOUR, 'w21003')).map((r) => r.factor), ['w21003']);
  tt.same(await readings.read('MN1', 'hour', T0 + 1, T0 + 2 * HOUR), [], 'the window is [from, to)');
  tt.same((await readings.read('MN1', 'minute', T0, T0 + HOUR)).length, 1);

  // Rejecting a back-fill re-writes the same point: one row, now marked rejected, collector data untouched.
  await writer.write([manualPoint({ mn: 'MN1', factor: 'w01018', kind: 'hour', periodStart: T0 + 2 * HOUR, values: { avg: 7 } }, true)]);
  const after = await readings.read('MN1', 'hour', T0 + 2 * HOUR, T0 + 3 * HOUR);
  tt.same(after.map((r) => [r.manual, r.rejected, r.values.avg]), [[true, true, 7]]);
});
