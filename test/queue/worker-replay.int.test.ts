/**
 * A 3-day replay over TCP: day 1 in order, a long gap (day 2 00:00-17:59), the rest of day 2 and day 3 in reverse
 * order. The worker is restarted mid-run (a second one runs beside it for a while); the collector answers the
 * history request with part of the missing range, out of order. The ledger and the monthly rollup come out exactly
 * as expected and repeated jobs add nothing.
 */
import t from 'tap';
import { parseDataTime } from '../../protocol/index.js';
import type { GapEntry, MonthlyRow } from '../../src/domain/ledgers.js';
import { checkJobId, JOB, scanJobId } from '../../src/queue/jobs.js';
import { createRedisRollupStore } from '../../src/storage/redis/check-state.js';
import { connectCollector } from '../helpers/collector.js';
import { waitFor } from '../helpers/wait.js';
import { HOUR, TZ, answerHistory, entriesOf, hoursOf, startHarness, uploadHours } from './worker-harness.js';

const D0 = Date.parse('2024-05-10T00:00:00+08:00');
const MN = 'W0000000000000000000RPL1';
const at = (h: number): number => D0 + h * HOUR;
/** Values vary hour by hour so that no run of constant values appears. */
const reading = (h: number) => ({ ms: at(h), avg: String(40 + (h % 7)) });
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

t.test('3-day replay with a long gap, out-of-order history and a worker restart', async (t) => {
  const h = await startHarness(at(72) + 30 * 60_000);
  t.teardown(() => h.close());
  await h.addCollector(MN, { startAt: new Date(D0).toISOString() });
  const c = await connectCollector(h.gw.port);
  t.teardown(() => c.close());

  const uploaded = [...range(0, 24), ...range(42, 48), ...range(48, 72).reverse()];
  await uploadHours(c, MN, uploaded.map(reading));

  // Worker A starts, works a little and is stopped mid-run; B (and C beside it for a while) carry on.
  const a = await h.startWorker();
  await waitFor(() => h.completedChecks() > 0, 'worker A completed a check job');
  const b = await h.startWorker();
  await a.close();
  const cWorker = await h.startWorker();

  // The collector still has day 2 00:00-11:59 and sends it shuffled; 12:00-17:59 is lost.
  const request = await answerHistory(c, MN, (begin, end) => {
    const from = (Number(parseDataTime(begin, TZ)) - D0) / HOUR;
    const to = (Number(parseDataTime(end, TZ)) - D0) / HOUR;
    return [35, 24, 30, 27, 33, 25, 29, 31, 26, 34, 28, 32].filter((x) => x >= from && x <= to).map(reading);
  });
  t.same(request.cp, { BeginTime: '20240511000000', EndTime: '20240511170000' }, 'the whole 18-hour gap in one request');
  await cWorker.close();

  await waitFor(async () => {
    const gaps = (await entriesOf(h.ledgers, 'gap', MN)) as GapEntry[];
    return gaps.filter((g) => g.state === 'filled-by-collector').length === 12 && gaps.filter((g) => g.state === 'open').length === 6;
  }, '12 gaps filled by the history, 6 reopened');
  const all = uploaded.concat(range(24, 36));
  await h.checksDone(all.map((x) => checkJobId({ mn: MN, kind: 'hour', hourMs: at(x) })));

  const gaps = (await entriesOf(h.ledgers, 'gap', MN)) as GapEntry[];
  t.same(hoursOf(gaps, D0), range(24, 42), 'exactly one entry per missing hour of the long gap');
  t.ok(gaps.every((g) => g.attempts.length === 1 && g.attempts[0]?.qn === request.qn && g.attempts[0]?.outcome === 'done'), 'one attempt each, despite three workers');
  t.ok(gaps.slice(12).every((g) => g.nextAttemptAt !== undefined && g.history.at(-1)?.note?.includes('no reading')), 'the lost hours wait for the next attempt');
  t.same(await entriesOf(h.ledgers, 'anomaly', MN), []);

  // Triggers again, as a retry or another gateway would: nothing changes.
  const before = JSON.stringify(await entriesOf(h.ledgers, 'gap', MN));
  const checks = b.workers.queues.checks;
  await checks.add(JOB.check, { mn: MN, kind: 'hour', hourMs: at(30) }, { jobId: 'again-30' });
  await checks.add(JOB.scan, { mn: MN, slot: 1 }, { jobId: scanJobId(MN, 1) });
  await h.checksDone(['again-30', scanJobId(MN, 1)]);
  t.equal(JSON.stringify(await entriesOf(h.ledgers, 'gap', MN)), before, 'repeated check and scan jobs add nothing');

  // Monthly operation ledger, on demand through the rollup queue.
  await b.workers.queues.rollup.add(JOB.rollup, { month: '2024-05' }, { jobId: 'rollup-2024-05-test' });
  await h.rollupsDone(['rollup-2024-05-test']);
  const rows = await createRedisRollupStore(h.gw.redis, h.gw.config.redis.prefix).get('2024-05');
  t.equal(rows.length, 1);
  t.match(rows[0] as MonthlyRow, {
    month: '2024-05', mn: MN, factor: 'w01018', kind: 'hour', expected: 72, received: 66, backFilled: 0, coveredByRegistration: 0,
    gaps: { total: 18, open: 6, filled: 12, backFilled: 0, explained: 0, waived: 0, covered: 0 },
    anomalies: { total: 0 },
    uploadRate: 91.7, publicationRate: 91.7,
  });
});
