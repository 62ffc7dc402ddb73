/**
 * Ledger work at scale through the API: one explanation for a selection (ids or a filter) of gaps or anomalies,
 * bulk review, per-entry results and audit entries, roles and scope as on the single-entry routes, and the
 * regulator's review inbox across the four ledgers, longest waiting first, paginated.
 */
import t from 'tap';
import type { BackfillEntry, RegistrationEntry } from '../../src/domain/ledgers.js';
import { newAnomaly, newGap } from '../../src/ledgers/entries.js';
import { buildApi } from '../../src/api/build-api.js';
import { body } from './helper.js';
import { D, HOUR, MN_A, MN_B, buildLedgerApi } from './ledger-helper.js';

const NOW = D + 30 * HOUR;
const h = await buildLedgerApi(NOW);
t.teardown(() => h.close());
const { token } = h.api;
const itemA = await h.item(MN_A);
const itemB = await h.item(MN_B);
const cadence = { kind: 'hour' as const, periodMs: HOUR };
for (let hour = 0; hour < 12; hour++) await h.ledgers.ledgers.create(newGap(itemA, cadence, D + hour * HOUR, NOW));
await h.ledgers.ledgers.create(newGap(itemB, cadence, D, NOW));
const evidence = { values: { avg: 150 }, limits: { upper: 100 }, detail: 'avg 150 over the standard' };
for (let hour = 0; hour < 5; hour++) await h.ledgers.ledgers.create(newAnomaly(itemA, 'hour', { rule: 'over-standard', periodStart: D + hour * HOUR, periodEnd: D + (hour + 1) * HOUR, evidence }, NOW));
const gapId = (hour: number, mn = MN_A) => `gap:${mn}:w01018:hour:${D + hour * HOUR}`;
type Bulk = { matched: number; succeeded: number; failed: number; remaining: number; results: Array<{ id: string; ok: boolean; state?: string; status?: number; code?: string }> };
const post = (secret: string, url: string, payload: object) => h.call(secret, { method: 'POST', url, payload });

t.test('bulk explain by ids: per-entry results, scope and wrong states reported, every change audited', async (tt) => {
  const ids = [gapId(0), gapId(1), gapId(0, MN_B), 'gap:nothing'];
  const res = await post(h.entA, '/gaps/explanations', { ids, text: '停电 power cut 00:00–02:00' });
  tt.equal(res.statusCode, 200);
  const r = body<Bulk>(res);
  tt.same([r.matched, r.succeeded, r.failed, r.remaining], [4, 2, 2, 0]);
  tt.same(
    r.results.map((x) => [x.id, x.ok, x.state ?? x.code]),
    [[gapId(0), true, 'explained'], [gapId(1), true, 'explained'], [gapId(0, MN_B), false, 'APP_ERR_NOT_FOUND'], ['gap:nothing', false, 'APP_ERR_NOT_FOUND']],
    "another enterprise's gap answers like an unknown one",
  );
  const again = body<Bulk>(await post(h.entA, '/gaps/explanations', { ids: [gapId(0)], text: 'again' }));
  tt.match(again.results, [{ ok: false, status: 409, code: 'APP_ERR_CONFLICT' }], 'wrong state as on the single route');
  for (const id of [gapId(0), gapId(1)]) {
    const trail = body<{ entries: Array<{ action: string; actor: { role: string } }> }>(await h.call(token.regulator, { url: `/audit/gap/${encodeURIComponent(id)}` }));
    tt.match(trail.entries, [{ action: 'explain', actor: { role: 'enterprise' } }], `${id} audited`);
  }
  tt.equal((await post(token.reader, '/gaps/explanations', { ids: [gapId(2)], text: 'x' })).statusCode, 403, 'roles as the single route');
  tt.equal((await post(token.regulator, '/gaps/explanations', { ids: [gapId(2)], text: 'x' })).statusCode, 403);
  const both = await post(h.entA, '/gaps/explanations', { ids: [gapId(2)], filter: { mn: MN_A }, text: 'x' });
  tt.match(body(both), { code: 'APP_ERR_VALIDATION', detail: /exactly one of ids, filter/ });
  const tooMany = await post(h.entA, '/gaps/explanations', { ids: Array.from({ length: 1001 }, (_, i) => `gap:${i}`), text: 'x' });
  tt.match(body(tooMany), { code: 'APP_ERR_VALIDATION', errors: [{ path: '/ids' }] }, 'at most 1000 ids by default (HJ212_API_BULK_MAX)');
});

t.test('bulk explain by filter: the explainable entries the filter matches, the enterprise scope applied', async (tt) => {
  const res = body<Bulk>(await post(h.entA, '/gaps/explanations', { filter: { from: '2024-05-10T04:00:00+08:00', to: '2024-05-10T08:00:00+08:00' }, text: 'maintenance of the sampling pump' }));
  tt.same(res.results.map((x) => [x.id, x.state]), [4, 5, 6, 7].map((hh) => [gapId(hh), 'explained']));
  const foreign = await post(h.entA, '/gaps/explanations', { filter: { mn: MN_B }, text: 'x' });
  tt.equal(foreign.statusCode, 404, "a filter naming another enterprise's collector");
  const all = body<Bulk>(await post(h.entA, '/anomalies/explanations', { filter: { rule: 'over-standard' }, text: 'calibration drift' }));
  tt.same([all.matched, all.succeeded], [5, 5]);
  const b = body<{ items: Array<{ state: string }> }>(await h.call(token.regulator, { url: `/gaps?mn=${MN_B}` }));
  tt.same(b.items.map((g) => g.state), ['open'], "the other enterprise's gap is untouched");
});

t.test('bulk review: a regulator accepts or rejects many explained entries; audited per entry', async (tt) => {
  tt.equal((await post(h.entA, '/gaps/reviews', { ids: [gapId(4)], decision: 'accepted', comment: 'x' })).statusCode, 403, 'enterprises do not review');
  const waived = body<Bulk>(await post(token.regulator, '/gaps/reviews', { filter: { mn: MN_A, to: '2024-05-10T06:00:00+08:00' }, decision: 'accepted', comment: 'confirmed' }));
  tt.same(waived.results.map((x) => [x.id, x.state]), [0, 1, 4, 5].map((hh) => [gapId(hh), 'waived']), 'only explained gaps are selected');
  const rejected = body<Bulk>(await post(token.regulator, '/anomalies/reviews', { ids: [`anomaly:${MN_A}:w01018:hour:${D}:over-standard`, gapId(6)], decision: 'rejected', comment: 'no calibration record' }));
  tt.same(rejected.results.map((x) => [x.ok, x.state ?? x.code]), [[true, 'rejected'], [false, 'APP_ERR_NOT_FOUND']], 'a gap id is not an anomaly');
  const trail = body<{ entries: Array<{ action: string; actor: { role: string }; after: { state: string } }> }>(await h.call(token.regulator, { url: `/audit/gap/${encodeURIComponent(gapId(5))}` }));
  tt.same(trail.entries.map((e) => [e.action, e.actor.role, e.after.state]), [['review', 'regulator', 'waived'], ['explain', 'enterprise', 'explained']]);
});

t.test('review inbox: the four ledgers, awaiting review by default, longest waiting first, paginated', async (tt) => {
  // A back-fill and a registration waiting since before the explanations (which all happened at NOW).
  const base = { enterpriseId: `ent-${MN_A}`, siteId: `site-${MN_A}`, pointId: `point-${MN_A}`, version: 1, history: [], by: { tokenId: 't', name: 'ACME', role: 'enterprise' } };
  const backfill: BackfillEntry = { ...base, type: 'backfill', id: 'backfill:inbox:1', state: 'submitted', mn: MN_A, factor: 'w01018', kind: 'hour', periodStart: D + 20 * HOUR, periodEnd: D + 21 * HOUR, createdAt: NOW - 2 * HOUR, updatedAt: NOW - 2 * HOUR, values: { avg: 12 }, reason: 'lab value' };
  const registration: RegistrationEntry = { ...base, type: 'registration', id: 'registration:inbox:1', state: 'pending', periodStart: D + 22 * HOUR, periodEnd: D + 23 * HOUR, createdAt: NOW - HOUR, updatedAt: NOW - HOUR, reason: 'maintenance' };
  await h.ledgers.ledgers.create(backfill);
  await h.ledgers.ledgers.create(registration);
  type Inbox = { total: number; offset: number; limit: number; items: Array<{ id: string; type: string; state: string; updatedAt: string }> };
  const inbox = body<Inbox>(await h.call(token.regulator, { url: '/reviews' }));
  tt.same(inbox.items.slice(0, 2).map((e) => e.id), [backfill.id, registration.id], 'longest waiting first');
  tt.same([...new Set(inbox.items.map((e) => `${e.type}:${e.state}`))].sort(), ['anomaly:explained', 'backfill:submitted', 'gap:explained', 'registration:pending']);
  tt.equal(inbox.total, 2 + 4 + 2, 'back-fill, registration, 4 explained anomalies, 2 explained gaps');
  const sorted = inbox.items.map((e) => Date.parse(e.updatedAt));
  tt.same(sorted, [...sorted].sort((a, b) => a - b));
  tt.match(inbox.items[0]?.updatedAt, /\+08:00$/);
  const page2 = body<Inbox>(await h.call(token.regulator, { url: '/reviews?limit=3&offset=3' }));
  tt.same(page2.items.map((e) => e.id), inbox.items.slice(3, 6).map((e) => e.id), 'second page');
  const rejected = body<Inbox>(await h.call(token.regulator, { url: '/reviews?state=rejected,waived&type=anomaly,gap' }));
  tt.same(rejected.items.map((e) => `${e.type}:${e.state}`).sort(), ['anomaly:rejected', ...Array(4).fill('gap:waived')].sort());
  const own = body<Inbox>(await h.call(h.entB, { url: '/reviews' }));
  tt.same(own.items, [], 'an enterprise sees its own inbox');
  tt.match(body(await h.call(token.regulator, { url: '/reviews?state=closed' })), { code: 'APP_ERR_VALIDATION' });
  tt.equal((await h.call(h.entA, { url: `/reviews?mn=${MN_B}` })).statusCode, 404);
});

t.test('HJ212_API_BULK_MAX bounds one call: more ids are refused, a larger filter selection reports `remaining`', async (tt) => {
  // A second API over the same stores with a bulk maximum of 3.
  const small = await buildApi({ ...h.api.deps, ledgers: h.ledgers }, { bodyLimit: 64 * 1024, timeZone: 'Asia/Shanghai', bulkMax: 3 });
  tt.teardown(() => small.close());
  const call = (payload: object) => small.inject({ method: 'POST', url: '/gaps/explanations', payload, headers: { authorization: `Bearer ${h.entB}` } });
  const flood = await call({ ids: [1, 2, 3, 4].map((hh) => gapId(hh, MN_B)), text: 'x' });
  tt.equal(flood.statusCode, 400);
  tt.match(body(flood), { code: 'APP_ERR_VALIDATION', errors: [{ path: '/ids', message: /3/ }] }, 'at most 3 ids');
  for (let hour = 1; hour < 6; hour++) await h.ledgers.ledgers.create(newGap(itemB, cadence, D + hour * HOUR, NOW));
  const first = body<Bulk>(await call({ filter: { mn: MN_B }, text: 'flow meter replaced' }));
  tt.same([first.matched, first.succeeded, first.remaining], [6, 3, 3], 'the first 3 of 6 open gaps; 3 remain');
  tt.same(first.results.map((x) => x.id), [0, 1, 2].map((hh) => gapId(hh, MN_B)), 'oldest period first');
  const second = body<Bulk>(await call({ filter: { mn: MN_B }, text: 'flow meter replaced' }));
  tt.same([second.matched, second.succeeded, second.remaining], [3, 3, 0], 'called again: the rest');
  const open = body<{ total: number }>(await h.call(token.regulator, { url: `/gaps?mn=${MN_B}&state=open` }));
  tt.equal(open.total, 0, 'every gap of the selection explained over two calls');
});
