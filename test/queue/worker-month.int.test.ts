/**
 * A month replayed for a collector bound mid-month (issue 15 "done when"): the real gateway over TCP, the real worker
 * on a virtual clock and the production API role, on real Redis and InfluxDB. Readings from before the binding, gaps
 * older than the first scan's look-back (found by the late readings' own checks), gaps the due scan finds, a flagged
 * and an over-standard hour, an explanation, two back-fills (one rejected), an accepted registration and an offline
 * collector. Every number of the monthly ledger row is checked against what was sent, computed on read before any
 * rollup and again from the rollup.
 */
import t from 'tap';
import { checkJobId } from '../../src/queue/jobs.js';
import { connectCollector } from '../helpers/collector.js';
import { waitFor } from '../helpers/wait.js';
import { HOUR, startHarness, startHarnessApi, uploadHours } from './worker-harness.js';

const MN = 'W0000000000000000000MON1';
/** Bound to its point on 2024-05-20 at 14:00 local: May expects 10 + 11 × 24 = 274 hours from then. */
const BOUND = Date.parse('2024-05-20T14:00:00+08:00');
const MONTH_END = Date.parse('2024-06-01T00:00:00+08:00');
const EXPECTED = (MONTH_END - BOUND) / HOUR;
const at = (i: number): number => BOUND + i * HOUR;
const iso = (i: number): string => new Date(at(i)).toISOString();

/** Hours (index from the binding) the collector never sends. */
const MISSING = {
  start: [0, 1], // right after the binding: older than the look-back, found by hour 2's own check
  middle: [30, 31, 32], // older than the look-back: found by hour 33's check (30 explained, 31 back-filled, 32 back-filled then rejected)
  registered: [200, 201], // inside the first scan's look-back; an accepted registration covers them
  end: [272, 273], // the month's last hours: the due scan finds them
};
const missing = new Set(Object.values(MISSING).flat());
const FLAGGED = 100; // flag D, explained and accepted
const OVER = 120; // avg 150 over the standard 100, left open

t.test('a month of a collector bound mid-month: every number of its monthly ledger row', async (t) => {
  t.equal(EXPECTED, 274);
  const h = await startHarness(MONTH_END + 30 * 60_000);
  t.teardown(() => h.close());
  await h.addCollector(MN, { startAt: '2024-05-01T00:00:00+08:00', standardUpper: 100, rangeLower: 0, rangeUpper: 500 }, { boundAt: new Date(BOUND).toISOString() });

  // Everything is uploaded before the worker starts, so the ledger does not depend on job timing. Four hours come
  // from before the binding (one flagged D): neither expected, nor received, nor judged.
  const before = [-4, -3, -2, -1].map((i) => ({ ms: at(i), avg: String(40 + ((i + 7) % 7)), flag: i === -2 ? 'D' : 'N' }));
  const month = Array.from({ length: EXPECTED }, (_, i) => i)
    .filter((i) => !missing.has(i))
    .map((i) => ({ ms: at(i), avg: i === OVER ? '150' : String(40 + (i % 7)), flag: i === FLAGGED ? 'D' : 'N' }));
  const c = await connectCollector(h.gw.port);
  await uploadHours(c, MN, [...before, ...month]);
  c.close();
  const prefix = h.gw.config.redis.prefix;
  await waitFor(async () => (await h.gw.redis.hget(`${prefix}status:${MN}`, 'connected')) === '0', 'collector offline');

  await h.startWorker();
  await h.checksDone([...before, ...month].map((r) => checkJobId({ mn: MN, kind: 'hour', hourMs: Math.floor(r.ms / HOUR) * HOUR })));

  const api = await startHarnessApi(h, MN);
  t.teardown(() => api.close());
  const { call, enterprise, regulator } = api;
  type Entry = { id: string; state: string; periodStart: string; rule?: string; attempts?: Array<{ outcome: string }> };
  const list = async (path: string): Promise<Entry[]> => ((await call(regulator, 'GET', path)).json as { items: Entry[] }).items;
  const hourOf = (e: Entry): number => (Date.parse(e.periodStart) - BOUND) / HOUR;

  const gaps = await list(`/gaps?mn=${MN}&limit=1000`);
  t.same(gaps.map(hourOf), [...missing].sort((a, b) => a - b), 'one gap per missing hour, none before the binding');
  const anomalies = await list(`/anomalies?mn=${MN}`);
  t.same(anomalies.map((a) => [hourOf(a), a.rule]), [[FLAGGED, 'flag'], [OVER, 'over-standard']], 'the flagged hour before the binding is not judged');
  // The collector is offline: the re-pull leaves its trace on the gaps.
  await waitFor(async () => (await list(`/gaps?mn=${MN}&limit=1000`)).every((g) => g.attempts?.[0]?.outcome === 'offline'), 'offline attempts recorded');

  const gapAt = (i: number): Entry => gaps.find((g) => hourOf(g) === i) as Entry;
  t.match(await call(enterprise, 'POST', `/gaps/${gapAt(30).id}/explanation`, { text: 'power cut' }), { status: 200, json: { state: 'explained' } });
  t.match(await call(regulator, 'POST', `/gaps/${gapAt(30).id}/review`, { decision: 'accepted', comment: 'grid operator confirms' }), { json: { state: 'waived' } });
  const fill = (i: number) => call(enterprise, 'POST', '/backfills', { mn: MN, factor: 'w01018', kind: 'hour', periodStart: iso(i), values: { avg: 41.5 }, reason: 'lab value' });
  const kept = await fill(31);
  t.equal(kept.status, 201);
  t.match(await call(regulator, 'POST', `/backfills/${String(kept.json.id)}/review`, { decision: 'accepted', comment: 'ok' }), { json: { state: 'accepted' } });
  const refused = await fill(32);
  t.match(await call(regulator, 'POST', `/backfills/${String(refused.json.id)}/review`, { decision: 'rejected', comment: 'no lab record' }), { json: { state: 'rejected' } });
  const flagged = anomalies[0] as Entry;
  await call(enterprise, 'POST', `/anomalies/${flagged.id}/explanation`, { text: 'analyser fault, repaired' });
  t.match(await call(regulator, 'POST', `/anomalies/${flagged.id}/review`, { decision: 'accepted', comment: 'see repair log' }), { json: { state: 'accepted' } });
  const reg = await call(enterprise, 'POST', '/registrations', { siteId: `site-${MN}`, pointId: `point-${MN}`, factor: 'w01018', periodStart: iso(200), periodEnd: iso(202), reason: 'maintenance' });
  t.match(await call(regulator, 'POST', `/registrations/${String(reg.json.id)}/review`, { decision: 'accepted', comment: 'planned' }), { json: { state: 'accepted' } });

  const received = EXPECTED - missing.size;
  const row = {
    month: '2024-05', mn: MN, factor: 'w01018', kind: 'hour',
    expected: EXPECTED, // 274: from the binding, not from the 1st (744)
    received, // 265
    backFilled: 1, // hour 31; the rejected hour 32 is not published
    coveredByRegistration: MISSING.registered.length,
    gaps: { total: missing.size, open: MISSING.start.length + 1 + MISSING.end.length, filled: 0, backFilled: 1, explained: 0, waived: 1, covered: MISSING.registered.length },
    anomalies: { total: 2, unexplained: 1, explained: 0, accepted: 1, rejected: 0, covered: 0 },
    uploadRate: Math.round((received / (EXPECTED - 2)) * 1000) / 10, // 265 / 272 = 97.4
    publicationRate: Math.round(((received + 1) / (EXPECTED - 2)) * 1000) / 10, // 266 / 272 = 97.8
  };
  t.same([row.uploadRate, row.publicationRate], [97.4, 97.8]);

  const onRead = (await call(enterprise, 'GET', '/monthly-ledger?month=2024-05')).json as { computed: string; rows: unknown[] };
  t.equal(onRead.computed, 'on-read', 'no rollup yet: computed on read');
  t.match(onRead.rows, [row]);

  const queued = await call(regulator, 'POST', '/monthly-ledger/rollup', { month: '2024-05' });
  await h.rollupsDone([String(queued.json.jobId)]);
  const rolled = (await call(enterprise, 'GET', '/monthly-ledger?month=2024-05')).json as { computed: string; computedAt: string; rows: unknown[] };
  t.same([rolled.computed, rolled.computedAt], ['rollup', '2024-06-01T00:30:00+08:00'], 'the rollup and when it ran (worker clock)');
  t.match(rolled.rows, [row]);
});
