/**
 * Manual back-fill (数据录入) and the monthly ledger (运行台账) through the API on real Redis and InfluxDB: values are
 * stored with flag S and tag source=manual beside the collector's series, never over it; reviews; the monthly rows
 * as JSON and CSV; the on-demand rollup job.
 */
import t from 'tap';
import { newGap } from '../../src/ledgers/entries.js';
import { rollupMonth } from '../../src/ledgers/monthly-ledger.js';
import { body } from './helper.js';
import { D, HOUR, MN_A, MN_B, buildLedgerApi } from './ledger-helper.js';

const NOW = D + 30 * HOUR;
const h = await buildLedgerApi(NOW);
t.teardown(() => h.close());
const { token } = h.api;
const itemA = await h.item(MN_A);
// The collector sent hours 0-2 and 4-23 of the day; hour 3 is a gap.
const lines = Array.from({ length: 24 }, (_, x) => x)
  .filter((x) => x !== 3)
  .map((x) => `hour,mn=${MN_A},factor=w01018,st=32 avg=${40 + (x % 5)},flag="N" ${D + x * HOUR}`);
await h.api.writeLines(lines);
await h.ledgers.ledgers.create(newGap(itemA, { kind: 'hour', periodMs: HOUR }, D + 3 * HOUR, NOW));
const gapId = `gap:${MN_A}:w01018:hour:${D + 3 * HOUR}`;
const entry = (hour: number, values: object = { avg: 41.5 }) => ({ mn: MN_A, factor: 'w01018', kind: 'hour', periodStart: new Date(D + hour * HOUR).toISOString(), values, reason: 'read from the paper log' });

t.test('a back-fill never replaces collector data and is refused where it makes no sense', async (tt) => {
  const post = (secret: string, payload: object) => h.call(secret, { method: 'POST', url: '/backfills', payload });
  tt.match(body(await post(h.entA, entry(5))), { status: 409, code: 'APP_ERR_CONFLICT', detail: /collector has a reading/ });
  tt.match(body(await post(h.entA, { ...entry(3), periodStart: new Date(D + 3 * HOUR + 60_000).toISOString() })), { code: 'APP_ERR_BAD_REQUEST', detail: /start of a period/ });
  tt.match(body(await post(h.entA, entry(40))), { code: 'APP_ERR_BAD_REQUEST', detail: /not ended/ });
  tt.match(body(await post(h.entA, entry(3, {}))), { code: 'APP_ERR_VALIDATION' });
  tt.match(body(await post(h.entA, { ...entry(3), factor: 'a21026' })), { code: 'APP_ERR_NOT_FOUND' });
  tt.equal((await post(h.entB, entry(3))).statusCode, 404, "another enterprise's collector");
  tt.equal((await post(token.reader, entry(3))).statusCode, 403, 'reader is read-only');
  tt.match(body(await post(h.entA, { ...entry(3), mn: 'NOSUCHMN00000001' })), { code: 'APP_ERR_NOT_FOUND' });
});

t.test('a back-fill is stored as flag S / source=manual, fills the gap, and a rejection undoes it', async (tt) => {
  const res = await h.call(h.entA, { method: 'POST', url: '/backfills', payload: entry(3) });
  tt.equal(res.statusCode, 201);
  const fill = body<{ id: string; state: string; gapId: string; values: object; by: { role: string }; reason: string }>(res);
  tt.same([fill.state, fill.gapId, fill.values, fill.by.role, fill.reason], ['submitted', gapId, { avg: 41.5 }, 'enterprise', 'read from the paper log']);
  tt.equal((await h.call(h.entA, { method: 'POST', url: '/backfills', payload: entry(3) })).statusCode, 409, 'the same period twice');
  const rows = await h.ledgers.readings.read(MN_A, 'hour', D, D + 24 * HOUR, 'w01018');
  tt.equal(rows.filter((r) => !r.manual).length, 23, 'collector series untouched');
  tt.same(rows.filter((r) => r.manual).map((r) => [r.timeMs, r.values.avg, r.flag, r.rejected]), [[D + 3 * HOUR, 41.5, 'S', false]]);
  tt.match(body(await h.call(token.ops, { url: `/gaps/${gapId}` })), { state: 'back-filled', backfillId: fill.id });

  const listed = body<{ total: number }>(await h.call(h.entA, { url: `/backfills?mn=${MN_A}&state=submitted` }));
  tt.equal(listed.total, 1);
  tt.equal((await h.call(h.entB, { url: `/backfills/${fill.id}` })).statusCode, 404);
  const rejected = await h.call(token.regulator, { method: 'POST', url: `/backfills/${fill.id}/review`, payload: { decision: 'rejected', comment: 'no paper log for that hour' } });
  tt.match(body(rejected), { state: 'rejected', review: { decision: 'rejected', comment: 'no paper log for that hour' } });
  const after = await h.ledgers.readings.read(MN_A, 'hour', D + 3 * HOUR, D + 4 * HOUR, 'w01018');
  tt.same(after.map((r) => [r.manual, r.rejected]), [[true, true]], 'the manual point is marked rejected, not deleted');
  tt.match(body(await h.call(token.ops, { url: `/gaps/${gapId}` })), { state: 'open' }, 'the gap is open again');

  const again = await h.call(h.entA, { method: 'POST', url: '/backfills', payload: entry(3, { avg: 42 }) });
  tt.match(body(again), { state: 'submitted', values: { avg: 42 } }, 'a rejected back-fill may be entered again');
  const reentered = await h.ledgers.readings.read(MN_A, 'hour', D + 3 * HOUR, D + 4 * HOUR, 'w01018');
  tt.same(reentered.map((r) => [r.values.avg, r.rejected]), [[42, false]], 'the re-entered point is no longer marked rejected');
  tt.match(body(await h.call(token.regulator, { method: 'POST', url: `/backfills/${fill.id}/review`, payload: { decision: 'accepted', comment: 'ok' } })), { state: 'accepted' });
  const trail = body<{ entries: Array<{ action: string }> }>(await h.call(token.admin, { url: `/audit/backfill/${encodeURIComponent(fill.id)}` }));
  tt.same(trail.entries.map((e) => e.action), ['review', 'create', 'review', 'create']);
});

t.test('monthly ledger: rows as JSON and CSV, enterprise scope, on-demand rollup job', async (tt) => {
  await rollupMonth({ ...h.ledgers, settings: { gapGraceMs: 0 } }, '2024-05');
  const json = body<{ month: string; rows: Array<Record<string, unknown>> }>(await h.call(h.entA, { url: '/monthly-ledger?month=2024-05' }));
  tt.equal(json.rows.length, 1, 'an enterprise sees its own rows');
  tt.match(json.rows[0], { mn: MN_A, factor: 'w01018', kind: 'hour', expected: 30, received: 23, backFilled: 1, gaps: { total: 1, backFilled: 1 }, uploadRate: 76.7, publicationRate: 80, computedAt: '2024-05-11T06:00:00+08:00' });
  const all = body<{ rows: Array<{ mn: string }> }>(await h.call(token.reader, { url: '/monthly-ledger?month=2024-05' }));
  tt.same(all.rows.map((r) => r.mn).sort(), [MN_A, MN_B]);
  tt.equal(body<{ rows: unknown[] }>(await h.call(token.reader, { url: `/monthly-ledger?month=2024-05&siteId=site-${MN_B}` })).rows.length, 1);
  tt.equal((await h.call(h.entA, { url: `/monthly-ledger?month=2024-05&enterpriseId=ent-${MN_B}` })).statusCode, 404);
  tt.match(body(await h.call(token.ops, { url: '/monthly-ledger?month=2024-13' })), { code: 'APP_ERR_VALIDATION' });

  const csv = await h.call(token.regulator, { url: `/monthly-ledger?month=2024-05&mn=${MN_A}`, headers: { accept: 'text/csv' } });
  tt.match(csv.headers['content-type'], /^text\/csv/);
  tt.equal(csv.body.charCodeAt(0), 0xfeff, 'UTF-8 BOM for Excel');
  const [header, row, end] = csv.body.slice(1).split('\r\n');
  tt.match(header, /^month,enterpriseId,siteId,pointId,itemId,mn,factor,enterprise,site,point,factor_name,unit,kind,expected,received,backFilled,/);
  tt.match(row, new RegExp(`^2024-05,ent-${MN_A},site-${MN_A},point-${MN_A},item-${MN_A},${MN_A},w01018,Enterprise ${MN_A},Site,Outfall,化学需氧量,mg/L,hour,30,23,1,`));
  tt.equal(end, '', 'CRLF after the last row');

  tt.equal((await h.call(token.reader, { method: 'POST', url: '/monthly-ledger/rollup', payload: { month: '2024-05' } })).statusCode, 403);
  const queued = await h.call(token.ops, { method: 'POST', url: '/monthly-ledger/rollup', payload: { month: '2024-05' } });
  tt.equal(queued.statusCode, 202);
  const { jobId } = body<{ jobId: string }>(queued);
  const again = body<{ jobId: string }>(await h.call(token.regulator, { method: 'POST', url: '/monthly-ledger/rollup', payload: { month: '2024-05' } }));
  tt.equal(again.jobId, jobId, 'the same second: one job');
  const job = await h.rollupQueue.getJob(jobId);
  tt.same([job?.name, job?.data], ['rollup', { month: '2024-05' }]);
  tt.equal(await h.rollupQueue.count(), 1);
});
