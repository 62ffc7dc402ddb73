/**
 * The whole loop over real TCP, Redis and InfluxDB, with the production API and worker roles: a collector skips
 * hours and goes offline; the enterprise sees the gaps through the API, explains one (the regulator waives it) and
 * back-fills the other; an on-demand rollup asked for through the API is run by the worker and the monthly ledger
 * shows it all.
 */
import t from 'tap';
import type { Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { startApiRole } from '../../src/roles/api-role.js';
import { createRedisTokens } from '../../src/storage/redis/tokens.js';
import { connectCollector } from '../helpers/collector.js';
import { waitFor } from '../helpers/wait.js';
import { HOUR, startHarness, uploadHours } from './worker-harness.js';

const D = Date.parse('2024-05-10T00:00:00+08:00');
const MN = 'W0000000000000000000API1';

t.test('gaps found by the worker are explained, reviewed and back-filled through the API; the rollup shows them', async (t) => {
  const h = await startHarness(D + 6 * HOUR + 30 * 60_000);
  t.teardown(() => h.close());
  await h.addCollector(MN, { startAt: new Date(D).toISOString() });
  const prefix = h.gw.config.redis.prefix;
  const config: Config = { ...h.gw.config, http: { ...h.gw.config.http, host: '127.0.0.1', port: 0 } };
  const api = await startApiRole(config, createLogger('silent'), createMetrics({ defaults: false }));
  t.teardown(() => api.close());
  const tokens = createRedisTokens({ redis: h.gw.redis, prefix });
  const enterprise = (await tokens.create({ name: 'operator', role: 'enterprise', enterpriseId: `ent-${MN}`, main: true, createdBy: 'test' })).secret;
  const regulator = (await tokens.create({ name: 'inspector', role: 'regulator', main: false, createdBy: 'test' })).secret;
  const call = async (secret: string, method: string, path: string, payload?: object): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`http://127.0.0.1:${api.port}${path}`, {
      method,
      headers: { authorization: `Bearer ${secret}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
      body: payload ? JSON.stringify(payload) : undefined,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

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
