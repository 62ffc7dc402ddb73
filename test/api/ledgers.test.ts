/**
 * Gap, anomaly and registration routes on real Redis: listing with filters, pagination and the enterprise scope,
 * explanations and reviews moving the state (with the audit trail), registrations covering entries, and roles.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import t from 'tap';
import { newAnomaly, newGap } from '../../src/ledgers/entries.js';
import { body } from './helper.js';
import { D, HOUR, MN_A, MN_B, buildLedgerApi } from './ledger-helper.js';

const NOW = D + 30 * HOUR;
const h = await buildLedgerApi(NOW);
t.teardown(() => h.close());
const { token } = h.api;
const itemA = await h.item(MN_A);
const itemB = await h.item(MN_B);
const cadence = { kind: 'hour' as const, periodMs: HOUR };
for (const hour of [3, 4, 7, 20]) await h.ledgers.ledgers.create(newGap(itemA, cadence, D + hour * HOUR, NOW));
await h.ledgers.ledgers.create(newGap(itemB, cadence, D + 3 * HOUR, NOW));
const evidence = { values: { avg: 150 }, limits: { upper: 100 }, detail: 'avg 150 outside the standard limits' };
await h.ledgers.ledgers.create(newAnomaly(itemA, 'hour', { rule: 'over-standard', periodStart: D + HOUR, periodEnd: D + 2 * HOUR, evidence }, NOW));
await h.ledgers.ledgers.create(newAnomaly(itemA, 'hour', { rule: 'flag', periodStart: D + 2 * HOUR, periodEnd: D + 3 * HOUR, evidence: { values: { flag: 'D' }, detail: 'flag D' } }, NOW));
const gapA3 = `gap:${MN_A}:w01018:hour:${D + 3 * HOUR}`;

type Page = { total: number; offset: number; limit: number; items: Array<{ id: string; state: string; periodStart: string; mn: string }> };

t.test('listing: filters, pagination, local ISO times, enterprise scope', async (tt) => {
  const all = body<Page>(await h.call(token.regulator, { url: '/gaps' }));
  tt.equal(all.total, 5, 'a regulator sees every enterprise');
  const own = body<Page>(await h.call(h.entA, { url: '/gaps' }));
  tt.same(own.items.map((g) => g.periodStart), ['2024-05-10T03:00:00+08:00', '2024-05-10T04:00:00+08:00', '2024-05-10T07:00:00+08:00', '2024-05-10T20:00:00+08:00'], 'own gaps, oldest first, local time');
  tt.equal((await h.call(h.entA, { url: `/gaps?enterpriseId=ent-${MN_B}` })).statusCode, 404, 'another enterprise by filter');
  const page = body<Page>(await h.call(token.reader, { url: `/gaps?mn=${MN_A}&from=2024-05-10T04:00:00%2B08:00&to=2024-05-10T21:00:00%2B08:00&limit=2&offset=1` }));
  tt.same([page.total, page.offset, page.limit, page.items.map((g) => g.periodStart.slice(11, 13))], [3, 1, 2, ['07', '20']], 'period overlap filter, second page');
  tt.equal((await h.call(token.ops, { url: '/gaps?from=2024-05-11T00:00:00Z&to=2024-05-10T00:00:00Z' })).statusCode, 400);
  const bad = await h.call(token.ops, { url: '/gaps?state=open,closed' });
  tt.match(body(bad), { code: 'APP_ERR_VALIDATION' }, 'unknown state');
  const rules = body<Page>(await h.call(token.ops, { url: '/anomalies?rule=flag' }));
  tt.same(rules.items.map((a) => a.id), [`anomaly:${MN_A}:w01018:hour:${D + 2 * HOUR}:flag`]);
});

t.test('detail: 404 for unknown ids, ids of another type and entries of another enterprise', async (tt) => {
  const gap = body<{ id: string; attempts: unknown[]; history: Array<{ to: string; by: { name: string } }> }>(await h.call(h.entA, { url: `/gaps/${gapA3}` }));
  tt.same([gap.id, gap.attempts, gap.history.map((c) => [c.to, c.by.name])], [gapA3, [], [['open', 'checks worker']]]);
  tt.equal((await h.call(h.entB, { url: `/gaps/${gapA3}` })).statusCode, 404);
  tt.equal((await h.call(token.ops, { url: `/anomalies/${gapA3}` })).statusCode, 404);
  tt.match(body(await h.call(token.ops, { url: '/gaps/gap:nothing' })), { code: 'APP_ERR_NOT_FOUND' });
});

t.test('explain and review move a gap; wrong states are 409; every change is audited', async (tt) => {
  tt.equal((await h.call(token.reader, { method: 'POST', url: `/gaps/${gapA3}/explanation`, payload: { text: 'x' } })).statusCode, 403, 'reader is read-only');
  tt.equal((await h.call(h.entB, { method: 'POST', url: `/gaps/${gapA3}/explanation`, payload: { text: 'x' } })).statusCode, 404, 'not your gap');
  tt.match(body(await h.call(token.regulator, { method: 'POST', url: `/gaps/${gapA3}/review`, payload: { decision: 'accepted', comment: 'ok' } })), { status: 409, code: 'APP_ERR_CONFLICT' }, 'nothing to review yet');
  const explained = await h.call(h.entA, { method: 'POST', url: `/gaps/${gapA3}/explanation`, payload: { text: '停电 power cut at the station' } });
  tt.match(body(explained), { state: 'explained', explanation: { text: '停电 power cut at the station', by: { role: 'enterprise' } } });
  tt.equal((await h.call(h.entA, { method: 'POST', url: `/gaps/${gapA3}/explanation`, payload: { text: 'again' } })).statusCode, 409);
  tt.equal((await h.call(h.entA, { method: 'POST', url: `/gaps/${gapA3}/review`, payload: { decision: 'accepted', comment: 'self' } })).statusCode, 403, 'enterprises do not review');
  const waived = body<{ state: string; review: { decision: string; comment: string } }>(
    await h.call(token.regulator, { method: 'POST', url: `/gaps/${gapA3}/review`, payload: { decision: 'accepted', comment: 'confirmed with the grid operator' } }),
  );
  tt.same([waived.state, waived.review.decision, waived.review.comment], ['waived', 'accepted', 'confirmed with the grid operator']);
  const trail = body<{ entries: Array<{ action: string; actor: { role: string }; after: { state: string } }> }>(await h.call(token.regulator, { url: `/audit/gap/${encodeURIComponent(gapA3)}` }));
  tt.same(trail.entries.map((e) => [e.action, e.actor.role, e.after.state]), [['review', 'regulator', 'waived'], ['explain', 'enterprise', 'explained']], 'newest first');
});

t.test('an anomaly: explained, rejected, explained again, accepted', async (tt) => {
  const id = `anomaly:${MN_A}:w01018:hour:${D + HOUR}:over-standard`;
  const explain = (text: string) => h.call(h.entA, { method: 'POST', url: `/anomalies/${id}/explanation`, payload: { text } });
  const reviewAs = (decision: string) => h.call(token.regulator, { method: 'POST', url: `/anomalies/${id}/review`, payload: { decision, comment: decision } });
  tt.match(body(await explain('calibration')), { state: 'explained', evidence });
  tt.match(body(await reviewAs('rejected')), { state: 'rejected' });
  tt.match(body(await explain('calibration gas bottle was empty; see maintenance log 17')), { state: 'explained' });
  const done = body<{ state: string; history: Array<{ to: string }> }>(await reviewAs('accepted'));
  tt.same(done.history.map((c) => c.to), ['open', 'explained', 'rejected', 'explained', 'accepted']);
  tt.match(body(await h.call(token.regulator, { method: 'POST', url: `/anomalies/${id}/review`, payload: { decision: 'maybe', comment: 'x' } })), { code: 'APP_ERR_VALIDATION' });
});

t.test('registrations: validation, scope, approval covers the unsettled entries', async (tt) => {
  const base = { siteId: `site-${MN_A}`, pointId: `point-${MN_A}`, factor: 'w01018', periodStart: '2024-05-10T04:00:00+08:00', periodEnd: '2024-05-10T08:00:00+08:00' };
  const post = (secret: string, payload: object) => h.call(secret, { method: 'POST', url: '/registrations', payload });
  tt.match(body(await post(h.entA, { ...base, reason: 'other' })), { code: 'APP_ERR_BAD_REQUEST' }, "'other' needs a text");
  tt.match(body(await post(h.entA, { ...base, reason: 'maintenance', periodEnd: base.periodStart })), { code: 'APP_ERR_INVALID_RANGE' });
  tt.match(body(await post(h.entA, { ...base, reason: 'maintenance', pointId: `point-${MN_B}` })), { code: 'APP_ERR_BAD_REQUEST' }, 'point of another site');
  tt.match(body(await post(h.entA, { ...base, reason: 'maintenance', factor: 'a21026' })), { code: 'APP_ERR_NOT_FOUND' }, 'no such item');
  tt.equal((await post(h.entB, { ...base, reason: 'maintenance' })).statusCode, 404, "another enterprise's site");
  tt.equal((await post(token.regulator, { ...base, reason: 'maintenance' })).statusCode, 403, 'regulators do not register');
  const created = await post(h.entA, { ...base, reason: 'production-stopped' });
  tt.equal(created.statusCode, 201);
  const reg = body<{ id: string; state: string; reason: string; by: { role: string } }>(created);
  tt.same([reg.state, reg.reason, reg.by.role], ['pending', 'production-stopped', 'enterprise']);
  tt.equal((await post(h.entA, { ...base, reason: 'production-stopped' })).statusCode, 409, 'the same registration twice');
  const pending = body<Page>(await h.call(h.entA, { url: '/registrations?state=pending' }));
  tt.same(pending.items.map((r) => r.id), [reg.id]);
  const approved = await h.call(token.regulator, { method: 'POST', url: `/registrations/${reg.id}/review`, payload: { decision: 'accepted', comment: 'plant shut for overhaul' } });
  tt.match(body(approved), { state: 'accepted' }, approved.body);
  const gaps = body<Page>(await h.call(token.regulator, { url: `/gaps?mn=${MN_A}` }));
  tt.same(gaps.items.map((g) => [g.periodStart.slice(11, 13), g.state]), [['03', 'waived'], ['04', 'covered-by-registration'], ['07', 'covered-by-registration'], ['20', 'open']], 'hours 4-7 covered; the settled gap stays');
  tt.equal(body<Page>(await h.call(token.regulator, { url: `/gaps?mn=${MN_B}&state=open` })).total, 1, "the other enterprise's gap is untouched");
  const trail = body<{ entries: Array<{ action: string; after: { covered?: number } }> }>(await h.call(token.regulator, { url: `/audit/registration/${encodeURIComponent(reg.id)}` }));
  tt.same(trail.entries.map((e) => [e.action, e.after.covered]), [['review', 2], ['create', undefined]]);
});

t.test('the ledger routes are in the OpenAPI document with their roles; their schemas compile', async (tt) => {
  type Op = { security?: unknown; description?: string };
  const doc = body<{ paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, unknown> } }>(await h.call(undefined, { url: '/docs/json' }));
  const ledgerOps = Object.entries(doc.paths)
    .filter(([path]) => /^\/(gaps|anomalies|backfills|registrations|monthly-ledger)/.test(path))
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method} ${path}`, op })));
  tt.same(ledgerOps.map((o) => o.name).sort(), [
    'get /anomalies', 'get /anomalies/{id}', 'get /backfills', 'get /backfills/{id}', 'get /gaps', 'get /gaps/{id}', 'get /monthly-ledger', 'get /registrations', 'get /registrations/{id}',
    'post /anomalies/explanations', 'post /anomalies/reviews', 'post /anomalies/{id}/explanation', 'post /anomalies/{id}/review', 'post /backfills', 'post /backfills/{id}/review',
    'post /gaps/explanations', 'post /gaps/reviews', 'post /gaps/{id}/explanation', 'post /gaps/{id}/review',
    'post /monthly-ledger/rollup', 'post /registrations', 'post /registrations/{id}/review',
  ]);
  for (const { name, op } of ledgerOps) {
    tt.same(op.security, [{ bearerAuth: [] }, { sessionCookie: [] }], `${name} needs a token or a session`);
    tt.match(op.description, /Roles: [a-z, ]+\./, `${name} lists its roles`);
  }
  tt.match(doc.paths['/gaps/{id}/review']?.post?.description, /Roles: admin, regulator\./);
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
  for (const id of ['GapEntry', 'AnomalyEntry', 'BackfillEntry', 'RegistrationEntry', 'MonthlyLedgerRow']) {
    const schema = doc.components.schemas[id];
    tt.ok(schema, `${id} is a component`);
    tt.doesNotThrow(() => ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, '"doc#/components')) as object), `${id} compiles`);
  }
});
