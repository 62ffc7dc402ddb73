/**
 * Ledger correctness through the API (issue 15) on real Redis and InfluxDB: rejected back-fills are not served as
 * data, back-filled values are checked against the measuring range and judged by the anomaly rules, several factors
 * of one period in one call, the monthly ledger computed on read, one factor under both editions' codes, one review
 * vocabulary, and the binding time of a collector.
 */
import t from 'tap';
import { newGap } from '../../src/ledgers/entries.js';
import { rollupMonth } from '../../src/ledgers/monthly-ledger.js';
import { createRedisCatalog } from '../../src/storage/redis/catalog.js';
import { body } from './helper.js';
import { D, HOUR, MN_A, MN_B, buildLedgerApi } from './ledger-helper.js';

const NOW = D + 30 * HOUR;
const h = await buildLedgerApi(NOW);
t.teardown(() => h.close());
const { token } = h.api;
const catalog = createRedisCatalog({ redis: h.api.redis, prefix: h.api.prefix });
const at = new Date(0).toISOString();
// A pH item with its measuring range (量程) 0-14 beside the COD item (standard ≤ 100) of collector A.
await catalog.putItem({
  id: `item-ph-${MN_A}`, enterpriseId: `ent-${MN_A}`, siteId: `site-${MN_A}`, pointId: `point-${MN_A}`, factor: 'w01001', mode: 'automatic',
  uploads: [{ kind: 'hour', periodSeconds: 3600 }], rangeLower: 0, rangeUpper: 14, startAt: new Date(D).toISOString(), enabled: true, createdAt: at, updatedAt: at,
});
// The collector sent COD for hours 0-9 and pH for hours 0-1.
await h.api.writeLines([
  ...Array.from({ length: 10 }, (_, x) => `hour,mn=${MN_A},factor=w01018,st=32 avg=${40 + x},flag="N" ${D + x * HOUR}`),
  ...[0, 1].map((x) => `hour,mn=${MN_A},factor=w01001,st=32 avg=7.${x},flag="N" ${D + x * HOUR}`),
]);
const iso = (hour: number): string => new Date(D + hour * HOUR).toISOString();
const post = (payload: object) => h.call(h.entA, { method: 'POST', url: '/backfills', payload });
const fill = (hour: number, factor: string, values: object) => post({ mn: MN_A, factor, kind: 'hour', periodStart: iso(hour), values, reason: 'lab value' });
type Reading = { time: string; factor: string; avg?: number; flag?: string; source: string; rejected: boolean };
// `to` differs between calls that must not be answered by the API's 1-second read cache.
const readings = async (query: string, to = 24): Promise<Reading[]> =>
  body<{ readings: Reading[] }>(await h.call(token.reader, { url: `/readings?mn=${MN_A}&kind=hour&from=${encodeURIComponent(iso(0))}&to=${encodeURIComponent(iso(to))}${query}` })).readings;

t.test('a rejected back-fill is not served as data (JSON and CSV) unless asked for', async (tt) => {
  const created = body<{ id: string }>(await fill(2, 'w01001', { avg: 7.5 }));
  tt.match((await readings('&factor=w01001')).map((r) => [r.factor, r.avg, r.flag, r.source, r.rejected]), [['w01001', 7, 'N', 'collector', false], ['w01001', 7.1, 'N', 'collector', false], ['w01001', 7.5, 'S', 'manual', false]], 'a pending back-fill is served, marked manual');
  tt.match(body(await h.call(token.regulator, { method: 'POST', url: `/backfills/${created.id}/review`, payload: { decision: 'rejected', comment: 'no lab record' } })), { state: 'rejected' });
  tt.same((await readings('&factor=w01001', 23)).map((r) => r.source), ['collector', 'collector'], 'rejected: left out');
  const all = await readings('&factor=w01001&includeRejected=true');
  tt.match(all[2], { avg: 7.5, source: 'manual', rejected: true }, 'includeRejected=true shows it, marked rejected');
  const csvOf = async (query: string): Promise<string[]> =>
    (await h.call(token.reader, { url: `/readings?mn=${MN_A}&factor=w01001&from=${encodeURIComponent(iso(0))}&to=${encodeURIComponent(iso(24))}&format=csv${query}` })).body.split('\r\n');
  const csv = await csvOf('');
  tt.match(csv[0], /,invalid,source,rejected$/);
  tt.same([csv.length, csv.slice(1, 3).map((l) => l.split(',').slice(-2).join(','))], [4, ['collector,false', 'collector,false']], 'CSV leaves it out too');
  tt.match((await csvOf('&includeRejected=true'))[3], /,S,.*,false,manual,true$/);
  const latest = body<{ readings: Reading[] }>(await h.call(token.reader, { url: `/collectors/${MN_A}/latest?kind=hour` })).readings;
  tt.match(latest.find((r) => r.factor === 'w01001'), { avg: 7.1, source: 'collector' }, 'the latest value is not the rejected one');
  // Other kinds are read the same way: a rejected manual day value is left out.
  await h.api.writeLines([`day,mn=${MN_A},factor=w01018,source=manual avg=41,flag="S",rejected=true ${D}`, `day,mn=${MN_A},factor=w01018,st=32 avg=42,flag="N" ${D - 86_400_000}`]);
  const day = async (q: string) => body<{ readings: Reading[] }>(await h.call(token.reader, { url: `/readings?mn=${MN_A}&kind=day&from=2024-05-01T00:00:00%2B08:00&to=2024-05-31T00:00:00%2B08:00${q}` })).readings;
  tt.same((await day('')).map((r) => r.avg), [42]);
  tt.same((await day('&includeRejected=true')).map((r) => [r.avg, r.rejected]), [[42, false], [41, true]]);
});

t.test('back-filled values outside the measuring range are refused with the range and the field path', async (tt) => {
  const res = body<{ status: number; code: string; detail: string; errors: Array<{ location: string; path: string; message: string }> }>(await fill(3, 'w01001', { avg: -99999, max: 15 }));
  tt.match(res, { status: 400, code: 'APP_ERR_VALIDATION', detail: /0\.\.14/ });
  tt.same(res.errors.map((e) => [e.location, e.path]), [['body', '/values/avg'], ['body', '/values/max']]);
  tt.match(res.errors[0]?.message, /-99999 is outside the measuring range \(量程\) 0\.\.14 of item w01001/);
  tt.equal((await h.ledgers.readings.read(MN_A, 'hour', D + 3 * HOUR, D + 4 * HOUR, 'w01001')).length, 0, 'nothing stored');
  tt.equal(body<{ total: number }>(await h.call(token.ops, { url: `/backfills?mn=${MN_A}&factor=w01001` })).total, 1, 'no entry either (only the earlier one)');
});

t.test('back-filled values go through the anomaly rules like collector data', async (tt) => {
  tt.equal((await fill(11, 'w01018', { avg: 150 })).statusCode, 201);
  const anomalies = body<{ items: Array<{ rule: string; periodStart: string; evidence: { values: object } }> }>(await h.call(token.regulator, { url: `/anomalies?mn=${MN_A}` })).items;
  tt.same(anomalies.map((a) => [a.rule, a.periodStart, a.evidence.values]), [['over-standard', '2024-05-10T11:00:00+08:00', { avg: 150 }]], 'over the standard; flag S alone is not an anomaly');
});

t.test('several factors of one period in one call: all stored or none', async (tt) => {
  const cod = (await h.ledgers.items.itemsOf(MN_A)).find((i) => i.factor === 'w01018');
  if (cod) await h.ledgers.ledgers.create(newGap(cod, { kind: 'hour', periodMs: HOUR }, D + 12 * HOUR, NOW));
  const both = { mn: MN_A, kind: 'hour', periodStart: iso(12), reason: 'analyser cabinet flooded; lab values', factors: [{ factor: 'w01018', values: { avg: 44 } }, { factor: 'w01001', values: { avg: 7.2 } }] };
  tt.match(body(await post({ ...both, factors: [both.factors[0], { factor: 'w01001', values: { avg: 20 } }] })), { status: 400, errors: [{ path: '/factors/1/values/avg' }] }, 'one bad value refuses the entry');
  tt.match(body(await post({ ...both, periodStart: iso(1) })), { status: 409, detail: /reading of w01018/ }, 'collector data for one factor refuses the entry');
  tt.equal((await h.ledgers.readings.read(MN_A, 'hour', D + HOUR, D + 2 * HOUR)).filter((r) => r.manual).length, 0, 'nothing stored for the refused entries');
  tt.match(body(await post({ ...both, factor: 'w01018', values: { avg: 1 } })), { code: 'APP_ERR_VALIDATION' }, 'not both forms at once');
  tt.match(body(await post({ ...both, factors: [both.factors[0], both.factors[0]] })), { code: 'APP_ERR_BAD_REQUEST', detail: /twice/ });
  const res = await post(both);
  tt.equal(res.statusCode, 201);
  const { items } = body<{ items: Array<{ id: string; factor: string; state: string; gapId?: string; values: object }> }>(res);
  tt.same(items.map((e) => [e.factor, e.state, e.values, e.gapId !== undefined]), [['w01018', 'submitted', { avg: 44 }, true], ['w01001', 'submitted', { avg: 7.2 }, false]]);
  tt.match(body(await h.call(token.ops, { url: `/gaps/gap:${MN_A}:w01018:hour:${D + 12 * HOUR}` })), { state: 'back-filled' });
  tt.same((await h.ledgers.readings.read(MN_A, 'hour', D + 12 * HOUR, D + 13 * HOUR)).map((r) => [r.factor, r.values.avg, r.flag]), [['w01001', 7.2, 'S'], ['w01018', 44, 'S']]);
  tt.equal(body<{ entries: unknown[] }>(await h.call(token.admin, { url: `/audit/backfill/${encodeURIComponent(items[1]?.id ?? '')}` })).entries.length, 1, 'each entry audited');
});

t.test('the monthly ledger is computed on read until a rollup exists', async (tt) => {
  const first = body<{ computed: string; computedAt: string; rows: Array<{ mn: string; factor: string; expected: number; received: number }> }>(await h.call(h.entA, { url: '/monthly-ledger?month=2024-05' }));
  tt.same([first.computed, first.computedAt], ['on-read', '2024-05-11T06:00:00+08:00']);
  tt.same(first.rows.map((r) => [r.mn, r.factor, r.expected, r.received]), [[MN_A, 'w01001', 30, 2], [MN_A, 'w01018', 30, 10]], 'rows of the own enterprise, computed now');
  await rollupMonth({ ...h.ledgers, settings: { gapGraceMs: 0 } }, '2024-05');
  const rolled = body<{ computed: string; rows: unknown[] }>(await h.call(h.entA, { url: '/monthly-ledger?month=2024-05' }));
  tt.same([rolled.computed, rolled.rows.length], ['rollup', 2]);
  const csv = await h.call(token.reader, { url: '/monthly-ledger?month=2024-04&format=csv' });
  tt.match(csv.headers['x-ledger-computed'], /^on-read; at=/, 'CSV says how it was computed too');
  // More collectors than HJ212_LEDGER_ON_READ_MAX_COLLECTORS: left to the workers' rollup, which is asked for.
  h.ledgers.onReadMaxCollectors = 1;
  const wide = body<{ computed: string; jobId?: string; rows: unknown[] }>(await h.call(token.regulator, { url: '/monthly-ledger?month=2024-03' }));
  tt.same([wide.computed, wide.rows], ['pending', []]);
  tt.same((await h.rollupQueue.getJob(wide.jobId ?? ''))?.data, { month: '2024-03' }, 'the rollup job was asked for');
  tt.equal(body<{ computed: string }>(await h.call(token.regulator, { url: `/monthly-ledger?month=2024-03&mn=${MN_A}` })).computed, 'on-read', 'one collector is within the bound');
  h.ledgers.onReadMaxCollectors = undefined;
});

t.test('one factor under its 2005 and 2017 codes is one item', async (tt) => {
  const res = await h.call(token.ops, { method: 'POST', url: `/points/point-${MN_A}/items`, payload: { factor: '011', mode: 'automatic', uploads: [{ kind: 'hour', periodSeconds: 3600 }] } });
  tt.match(body(res), { status: 409, code: 'APP_ERR_CONFLICT', detail: `item item-${MN_A} monitors 011 (as w01018, the 2017 code of the same factor) at this point in an overlapping period` });
  const later = await h.call(token.ops, { method: 'POST', url: `/points/point-${MN_B}/items`, payload: { factor: '011', mode: 'automatic', uploads: [{ kind: 'hour', periodSeconds: 3600 }], endAt: new Date(D).toISOString() } });
  tt.equal(later.statusCode, 201, 'a period before the existing item is fine');
  // A registration naming the 2005 code covers the gaps of the item named by the 2017 code.
  const cod = (await h.ledgers.items.itemsOf(MN_A)).find((i) => i.factor === 'w01018');
  if (cod) await h.ledgers.ledgers.create(newGap(cod, { kind: 'hour', periodMs: HOUR }, D + 14 * HOUR, NOW));
  const reg = await h.call(h.entA, { method: 'POST', url: '/registrations', payload: { siteId: `site-${MN_A}`, pointId: `point-${MN_A}`, factor: '011', periodStart: iso(14), periodEnd: iso(15), reason: 'maintenance' } });
  tt.equal(reg.statusCode, 201);
  await h.call(token.regulator, { method: 'POST', url: `/registrations/${body<{ id: string }>(reg).id}/review`, payload: { decision: 'accepted', comment: 'ok' } });
  tt.match(body(await h.call(token.ops, { url: `/gaps/gap:${MN_A}:w01018:hour:${D + 14 * HOUR}` })), { state: 'covered-by-registration' });
});

t.test('one review vocabulary: accepted / rejected for every ledger; the old word approved still understood', async (tt) => {
  const base = { siteId: `site-${MN_A}`, pointId: `point-${MN_A}`, factor: 'w01018', reason: 'maintenance' };
  const reg = body<{ id: string }>(await h.call(h.entA, { method: 'POST', url: '/registrations', payload: { ...base, periodStart: iso(20), periodEnd: iso(21) } }));
  tt.match(body(await h.call(token.regulator, { method: 'POST', url: `/registrations/${reg.id}/review`, payload: { decision: 'approved', comment: 'old client' } })), { state: 'accepted', review: { decision: 'accepted' } });
  const window = `&from=${encodeURIComponent(iso(20))}&to=${encodeURIComponent(iso(21))}`;
  const listed = body<{ items: Array<{ id: string }> }>(await h.call(token.reader, { url: `/registrations?state=accepted${window}` })).items;
  tt.same(listed.map((r) => r.id), [reg.id]);
  tt.same(body<{ items: Array<{ id: string }> }>(await h.call(token.reader, { url: `/registrations?state=approved${window}` })).items.map((r) => r.id), [reg.id], 'state=approved is the same filter');
  // A registration stored by an older version (state approved) reads as accepted.
  const legacy = { ...(await h.ledgers.ledgers.get(reg.id)), id: 'registration:legacy', state: 'approved' };
  await h.api.redis.set(`${h.api.prefix}ledger:e:registration:legacy`, JSON.stringify(legacy));
  await h.api.redis.zadd(`${h.api.prefix}ledger:idx:registration:site:site-${MN_A}`, D + 22 * HOUR, 'registration:legacy');
  tt.match(body(await h.call(token.reader, { url: '/registrations/registration:legacy' })), { state: 'accepted' });
  tt.equal(body<{ total: number }>(await h.call(token.reader, { url: `/registrations?siteId=site-${MN_A}&state=accepted&from=${encodeURIComponent(iso(20))}` })).total, 2);
});

t.test("a collector's binding time: set when bound to a point, kept while the point stays, gone when unbound", async (tt) => {
  const patch = (payload: object) => h.call(token.ops, { method: 'PATCH', url: `/collectors/${MN_B}`, payload });
  const before = Date.now();
  const bound = body<{ boundAt?: string; pointId?: string }>(await patch({ pointId: `point-${MN_A}` }));
  tt.ok(bound.boundAt !== undefined && Date.parse(bound.boundAt) >= before - 1000, 'bound now');
  tt.equal(body<{ boundAt?: string }>(await patch({ enabled: true, pointId: `point-${MN_A}` })).boundAt, bound.boundAt, 'the same point: unchanged');
  tt.equal(body<{ boundAt?: string }>(await patch({ pointId: null })).boundAt, undefined);
  tt.match(body(await h.call(token.ops, { url: `/collectors/${MN_B}` })), { mn: MN_B });
});
