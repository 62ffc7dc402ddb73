/**
 * One rule for an enterprise token (another enterprise's record answers 404 like an unknown one, on every route
 * family, ledger filters included) and one rule for times (no `Z` in any answer: records, tokens, audit, pending
 * devices and ledgers in the platform zone's offset; a `+` sent unencoded gets an error saying to use %2B).
 */
import t from 'tap';
import { newGap } from '../../src/ledgers/entries.js';
import { body } from './helper.js';
import { D, HOUR, MN_A, MN_B, buildLedgerApi } from './ledger-helper.js';

const NOW = D + 30 * HOUR;
const h = await buildLedgerApi(NOW);
t.teardown(() => h.close());
const { token } = h.api;
await h.ledgers.ledgers.create(newGap(await h.item(MN_B), { kind: 'hour', periodMs: HOUR }, D + 3 * HOUR, NOW));
const gapB = `gap:${MN_B}:w01018:hour:${D + 3 * HOUR}`;
const UNKNOWN_MN = 'W0000000000000000000LDZ9';

t.test('enterprise scope: foreign and unknown resources both answer 404 with the same kind of detail', async (tt) => {
  const pairs: Array<[string, string]> = [
    [`/collectors/${MN_B}`, `/collectors/${UNKNOWN_MN}`],
    [`/collectors/${MN_B}/latest`, `/collectors/${UNKNOWN_MN}/latest`],
    [`/collectors/${MN_B}/status`, `/collectors/${UNKNOWN_MN}/status`],
    [`/readings?mn=${MN_B}&from=2024-05-10T00:00:00Z`, `/readings?mn=${UNKNOWN_MN}&from=2024-05-10T00:00:00Z`],
    [`/gaps?mn=${MN_B}`, `/gaps?mn=${UNKNOWN_MN}`],
    [`/anomalies?siteId=site-${MN_B}`, '/anomalies?siteId=no-such-site'],
    [`/backfills?pointId=point-${MN_B}`, '/backfills?pointId=no-such-point'],
    [`/registrations?enterpriseId=ent-${MN_B}`, '/registrations?enterpriseId=no-such-enterprise'],
    [`/gaps/${encodeURIComponent(gapB)}`, `/gaps/${encodeURIComponent(`gap:${UNKNOWN_MN}:w01018:hour:0`)}`],
    [`/sites/site-${MN_B}`, '/sites/no-such-site'],
    [`/points/point-${MN_B}/items`, '/points/no-such-point/items'],
  ];
  for (const [foreign, unknown] of pairs) {
    const a = await h.call(h.entA, { url: foreign });
    const b = await h.call(h.entA, { url: unknown });
    tt.same([a.statusCode, body(a).code], [404, 'APP_ERR_NOT_FOUND'], foreign);
    tt.same([b.statusCode, body(b).code], [404, 'APP_ERR_NOT_FOUND'], unknown);
    tt.equal(String(body(a).detail).split(' ')[0], String(body(b).detail).split(' ')[0], `same detail shape: ${foreign}`);
  }
  const own = await h.call(h.entA, { url: `/gaps?mn=${MN_A}` });
  tt.equal(own.statusCode, 200, 'own collector as a filter');
  const regulator = await h.call(token.regulator, { url: `/gaps?mn=${MN_B}` });
  tt.equal(body<{ total: number }>(regulator).total, 1, 'unscoped roles filter across enterprises');
  const role = await h.call(token.reader, { url: '/collectors' });
  tt.same([role.statusCode, body(role).code], [403, 'APP_ERR_FORBIDDEN'], 'what a role may not do stays 403');
});

t.test('times: no answer carries a UTC Z time; records, audit, tokens and pending devices in +08:00', async (tt) => {
  const created = await h.call(token.ops, { method: 'POST', url: '/enterprises', payload: { name: 'Zone Co' } });
  const ent = body<{ id: string; createdAt: string; updatedAt: string }>(created);
  tt.match(ent.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/);
  const audit = body<{ entries: Array<{ at: string; after: { createdAt: string } }> }>(await h.call(token.ops, { url: `/audit/enterprise/${ent.id}` }));
  tt.match(audit.entries[0], { at: /\+08:00$/, after: { createdAt: /\+08:00$/ } });
  await h.api.deps.registry.recordPending({ mn: 'W0000000000000000000PND1', sourceIp: '127.0.0.1', sampleFrame: '##0000', at: new Date('2024-05-10T00:00:00Z') });
  const pending = body<{ items: Array<{ firstSeen: string; lastSeen: string }> }>(await h.call(token.ops, { url: '/pending-devices' }));
  tt.match(pending.items, [{ firstSeen: '2024-05-10T08:00:00+08:00', lastSeen: '2024-05-10T08:00:00+08:00' }]);
  for (const url of ['/collectors', '/enterprises', '/sites', `/points/point-${MN_A}/items`, '/tokens', '/me', '/gaps', '/audit', '/status']) {
    const res = await h.call(token.admin, { url });
    tt.equal(res.statusCode, 200, url);
    tt.notMatch(res.body, /\d\d:\d\d(\.\d+)?Z"/, `no UTC Z time in ${url}`);
  }
  const collector = body<{ createdAt: string }>(await h.call(token.ops, { url: `/collectors/${MN_A}` }));
  tt.match(collector.createdAt, /\+08:00$/);
});

t.test('an unencoded + in a time says to encode it as %2B', async (tt) => {
  for (const url of ['/readings?mn=W0000000000000000000LDA1&from=2024-05-10T00:00:00+08:00', '/gaps?from=2024-05-10T00:00:00+08:00']) {
    const res = await h.call(token.reader, { url });
    tt.equal(res.statusCode, 400, url);
    tt.match(body(res), { code: 'APP_ERR_VALIDATION', errors: [{ location: 'querystring', path: '/from', message: /encode `\+` as `%2B`/ }] }, url);
  }
  const other = await h.call(token.reader, { url: '/gaps?from=yesterday' });
  tt.match(body(other), { errors: [{ path: '/from', message: /ISO 8601 date-time with an offset/ }] });
  const ok = await h.call(token.reader, { url: '/gaps?from=2024-05-10T00:00:00%2B08:00' });
  tt.equal(ok.statusCode, 200);
});
