/**
 * The BullMQ wiring of the checks pipeline on real Redis: one `scan-all` and one `rollup-daily` job scheduler however
 * many workers start (the rollup at HJ212_ROLLUP_AT local time), job outcomes and queue depths on the Prometheus
 * metrics, unparseable payloads failed without retries, and a check job per ingested hour (deterministic id).
 */
import t from 'tap';
import { formatDataTime } from '../../protocol/index.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { checkJobId, SCHEDULERS } from '../../src/queue/jobs.js';
import { startWorkerRole } from '../../src/roles/worker-role.js';
import { connectCollector } from '../helpers/collector.js';
import { waitFor } from '../helpers/wait.js';
import { FAST, HOUR, TZ, startHarness, uploadHours } from './worker-harness.js';

const D = Date.parse('2024-05-10T00:00:00+08:00');
const MN = 'W0000000000000000000MET1';

t.test('schedulers, metrics and job outcomes of the worker role', async (t) => {
  const h = await startHarness(D + 5 * HOUR);
  t.teardown(() => h.close());
  await h.addCollector(MN, { startAt: new Date(D).toISOString() });
  const metrics = createMetrics({ defaults: false });
  // HJ212_ROLLUP_AT and HJ212_CHECK_SCAN_EVERY_S as loadConfig would give them.
  const config = { ...h.gw.config, rollupAt: '04:15', checks: { ...h.gw.config.checks, scanEveryMs: 420_000 } };
  const { scanEveryMs: _fromConfig, ...fast } = FAST;
  const start = () => startWorkerRole(config, createLogger('silent'), metrics, { clock: h.clock, settings: { ...fast, metricsEveryMs: 3_600_000 } });
  const a = await start();
  const b = await start();
  t.teardown(async () => {
    await a.close();
    await b.close();
  });

  const { checks, rollup } = a.workers.queues;
  const rollupSchedulers = await rollup.getJobSchedulers();
  t.same(rollupSchedulers.map((s) => [s.key, s.pattern, s.tz]), [[SCHEDULERS.rollupDaily, '15 4 * * *', TZ]], 'one daily rollup scheduler, two workers');
  const next = rollupSchedulers[0]?.next;
  t.equal(next === undefined ? '' : formatDataTime(next, TZ).slice(8, 12), '0415', 'the next rollup is at 04:15 local');
  const scanSchedulers = await checks.getJobSchedulers();
  t.same(scanSchedulers.map((s) => [s.key, s.every]), [[SCHEDULERS.scanAll, 420_000]], 'one scan-all scheduler every HJ212_CHECK_SCAN_EVERY_S');

  const c = await connectCollector(h.gw.port);
  t.teardown(() => c.close());
  await uploadHours(c, MN, [{ ms: D }, { ms: D + HOUR }]);
  await h.checksDone([checkJobId({ mn: MN, kind: 'hour', hourMs: D }), checkJobId({ mn: MN, kind: 'hour', hourMs: D + HOUR })]);
  await waitFor(async () => ((await metrics.jobs.get()).values.find((v) => v.labels.queue === 'checks' && v.labels.outcome === 'completed')?.value ?? 0) >= 2, 'completed check jobs counted');

  // A payload that cannot parse fails at once (UnrecoverableError), counted as failed.
  const bad = await checks.add('scan', { mn: '' }, { jobId: 'bad-scan', attempts: 5 });
  await waitFor(async () => (await bad.getState()) === 'failed', 'bad payload failed');
  const failed = await checks.getJob('bad-scan');
  t.equal(failed?.attemptsMade, 1, 'no retries for a bad payload');
  t.equal((await metrics.jobs.get()).values.find((v) => v.labels.queue === 'checks' && v.labels.outcome === 'failed')?.value, 1);

  await a.workers.refreshDepths();
  const text = await metrics.registry.metrics();
  t.match(text, /hj212_queue_depth\{queue="rollup",state="delayed"\} 1/, 'the scheduled rollup waits as a delayed job');
  t.match(text, /hj212_queue_depth\{queue="checks",state="failed"\} 1/);
  t.match(text, /hj212_queue_depth\{queue="repull",state="waiting"\} \d+/);
  t.match(text, /hj212_jobs_total\{queue="checks",outcome="completed"\} \d+/);
});
