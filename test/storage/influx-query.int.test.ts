/** InfluxQL client against the local influxd: results, typed errors, safe quoting, ping. */
import { createServer } from 'node:net';
import t from 'tap';
import type { InfluxConfig } from '../../src/config.js';
import { InfluxQueryError } from '../../src/storage/influx/errors.js';
import { createInfluxQuery, quoteIdent, quoteString } from '../../src/storage/influx/query.js';
import { freshDatabase, influxUrl } from '../helpers/services.js';

const database = freshDatabase();
const config: InfluxConfig = { kind: 'v1', url: influxUrl(), database, batchSize: 1, flushMs: 1, maxPending: 1 };
const influx = createInfluxQuery(config);

/** A port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

t.before(() => influx.query(`CREATE DATABASE ${quoteIdent(database)}`));
t.teardown(() => influx.query(`DROP DATABASE ${quoteIdent(database)}`));

t.test('series of several statements, times in epoch ms', async (tt) => {
  const body = 'q1,mn=A v=1 1700000000000\nq1,mn=B v=2 1700000001000\nq2 w=3 1700000002000';
  const res = await fetch(`${influxUrl()}/write?db=${database}&precision=ms`, { method: 'POST', body });
  tt.equal(res.status, 204);
  const series = await influx.query('SELECT v FROM q1 GROUP BY mn; SELECT w FROM q2');
  tt.same(series, [
    { name: 'q1', tags: { mn: 'A' }, columns: ['time', 'v'], values: [[1_700_000_000_000, 1]] },
    { name: 'q1', tags: { mn: 'B' }, columns: ['time', 'v'], values: [[1_700_000_001_000, 2]] },
    { name: 'q2', columns: ['time', 'w'], values: [[1_700_000_002_000, 3]] },
  ]);
  tt.same(await influx.query('SELECT * FROM nothing_here'), []);
});

t.test('quoteString and quoteIdent keep hostile input inside the literal', async (tt) => {
  const hostile = "x' OR mn =~ /.*/ --\\ \n\"";
  const body = `quoting,mn=safe v=1 1700000000000`;
  await fetch(`${influxUrl()}/write?db=${database}&precision=ms`, { method: 'POST', body }).then((r) => r.arrayBuffer());
  tt.same(await influx.query(`SELECT v FROM quoting WHERE mn = ${quoteString(hostile)}`), [], 'matches nothing instead of everything');
  tt.equal((await influx.query(`SELECT v FROM quoting WHERE mn = ${quoteString('safe')}`)).length, 1);
  tt.same(await influx.query(`SELECT v FROM ${quoteIdent('we"ird\\name')}`), []);
});

t.test('errors are InfluxQueryError with InfluxDB message and status', async (tt) => {
  const parse = await influx.query('SELEC nonsense').catch((e: unknown) => e);
  tt.ok(parse instanceof InfluxQueryError);
  tt.match(parse, { status: 400, message: /error parsing query/ });
  const statement = await createInfluxQuery({ ...config, database: 'no_such_db_x' })
    .query('SELECT * FROM m')
    .catch((e: unknown) => e);
  tt.ok(statement instanceof InfluxQueryError);
  tt.match((statement as Error).message, /database not found/);
  const down = await createInfluxQuery({ ...config, url: `http://127.0.0.1:${await deadPort()}` })
    .query('SHOW DATABASES')
    .catch((e: unknown) => e);
  tt.ok(down instanceof InfluxQueryError);
  tt.match((down as Error).message, /no answer from InfluxDB/);
});

t.test('ping', async (tt) => {
  tt.equal(await influx.ping(), true);
  tt.equal(await createInfluxQuery({ ...config, url: `http://127.0.0.1:${await deadPort()}` }).ping(), false);
});
