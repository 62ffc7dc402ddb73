/**
 * The whole loop over real TCP, Redis and InfluxDB, with the production API and worker roles: a collector skips
 * hours and goes offline; the enterprise sees the gaps through the API, explains one (the regulator waives it) and
 * back-fills the other; an on-demand rollup asked for through the API is run by the worker and the monthly ledger
 * shows it all.
 */
import t from 'tap';
import { connectCollector } from '../helpers/collector.js';
import { waitFor } from '../helpers/wait.js';
import { HOUR, startHarness, startHarnessApi, uploadHours } from './worker-harness.js';

const D = Date.parse('2024-05-10T00:00:00+08:00');
const MN = 'W0000000000000000000API1';

t.test('gaps found by the worker are explained, reviewed and back-filled through the API; the rollup shows them', async (t) => {
  const h = await startHarness(D + 6 * HOUR + 30 * 60_000);
  t.teardown(() => h.close());
  await h.addCollector(MN, { startAt: new Date(D).toISOString() });
  const prefix = h.gw.config.redis.prefix;
  const api = await startHarnessApi(h, MN);
  t.teardown(() => api.close());
  const { call, enterprise, regulator } = api;

  // Hours 3 and 4 never come; the collector goes offline, so no re-pull is attempted.
  const c = await connectCollector(h.gw.port);
  await uploadHours(c, MN, [0, 1, 2, 5].map((x) => ({ ms: D + x * HOUR })));
  c.close();
  await waitFor(async () => (await h.gw.redis.hget(`${prefix}status:${MN}`, 'connected')) === '0', 'collector offline');
  await h.startWorker();
  await waitFor(async () => (await h.ledgers.list({ type: 'gap', mn: MN })).total === 2, 'two gaps');

  const gaps = (await call(enterprise, 'GET', `/gaps?mn=${MN}`)).json as { items: Array<{ id: string; state: string; periodStart: string }> };
  t.same(gaps.items.map((g) => [g.periodStart, g.state]), [['2024-05-10T03:00:00+08:00', 'open'], ['2024-05-10T04:00:00+08:00', 'open']]);
  const [g3, g4] = gaps.items;
  t.match(await call(enterprise, 'POST', `/gaps/${g3?.id}/explanation`, { text: 'power cut' }), { status: 200, json: { state: 'explained' } });
  t.match(await call(regulator, 'POST', `/gaps/${g3?.id}/review`, { decision: 'accepted', comment: 'confirmed' }), { status: 200, json: { state: 'waived' } });
  t.match(await call(enterprise, 'POST', '/backfills', { mn: MN, factor: 'w01018', kind: 'hour', periodStart: '2024-05-10T04:00:00+08:00', values: { avg: 44 }, reason: 'paper log' }), { status: 201 });
  t.match(await call(regulator, 'GET', `/gaps/${g4?.id}`), { json: { state: 'back-filled' } });

  const queued = await call(regulator, 'POST', '/monthly-ledger/rollup', { month: '2024-05' });
  t.equal(queued.status, 202);
  await h.rollupsDone([String(queued.json.jobId)]);
  const ledger = (await call(enterprise, 'GET', '/monthly-ledger?month=2024-05')).json as { rows: unknown[] };
  t.match(ledger.rows, [{ mn: MN, expected: 6, received: 4, backFilled: 1, gaps: { total: 2, waived: 1, backFilled: 1, open: 0 }, uploadRate: 66.7, publicationRate: 83.3 }]);
});
