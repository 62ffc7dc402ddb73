/**
 * BullMQ wiring of the checks pipeline: the queues `checks`, `repull` and `rollup`, their workers, the job
 * schedulers (`scan-all` every scanEveryMs, `rollup-daily` at HJ212_ROLLUP_AT local time) and follow-up jobs with
 * deterministic ids. Job outcomes and queue depths go to the metrics. Several processes may run this at once:
 * schedulers are upserted by id, jobs are idempotent.
 */
import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { ZodError } from 'zod';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { QUEUES } from './jobs.js';
import { dailyCron, JOB, repullJobId, repullTimeoutJobId, rescanJobId, scanJobId, SCHEDULERS } from './ledger-jobs.js';
import { bullPrefix, redisConnection } from './producer.js';
import { processChecksJob, processRepullJob, processRollupJob, type FollowUps, type ProcessorDeps } from './workers/processors.js';

export interface CheckWorkersOptions {
  redisUrl: string;
  /** Deployment prefix (HJ212_REDIS_PREFIX); queues live under `${prefix}bull`. */
  prefix: string;
  logger: Logger;
  metrics: Metrics;
  /** HH:MM local (HJ212_ROLLUP_AT) and zone (HJ212_TIME_ZONE) of the daily rollup. */
  rollupAt: string;
  timeZone: string;
  /** The processors' dependencies, given the follow-up scheduler built here. */
  deps(followUps: FollowUps): ProcessorDeps;
}

export interface CheckWorkers {
  queues: Record<keyof typeof QUEUES, Queue>;
  /** Refresh the queue-depth gauges now (also done every metricsEveryMs). */
  refreshDepths(): Promise<void>;
  close(): Promise<void>;
}

/** Completed jobs are removed (so a deterministic id can be used again), failed ones kept for inspection. */
const JOB_OPTS: JobsOptions = { removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } };

function followUpsOf(checks: Queue, repull: Queue, now: () => number): FollowUps {
  return {
    async timeout(mn, qn, delayMs) {
      await repull.add(JOB.repullTimeout, { mn, qn }, { ...JOB_OPTS, jobId: repullTimeoutJobId(mn, qn), delay: delayMs });
    },
    async retry(mn, delayMs) {
      if (delayMs <= 0) {
        await repull.add(JOB.repull, { mn }, { ...JOB_OPTS, jobId: repullJobId(mn) });
        return;
      }
      // Rounded to the second so retries asked for by several gaps collapse into one job.
      const notBefore = Math.ceil((now() + delayMs) / 1000) * 1000;
      await repull.add(JOB.repull, { mn }, { ...JOB_OPTS, jobId: repullJobId(mn, notBefore), delay: notBefore - now() });
    },
    async rescan(mn, qn, delayMs) {
      await checks.add(JOB.rescan, { mn, qn }, { ...JOB_OPTS, jobId: rescanJobId(mn, qn), delay: delayMs });
    },
    async scan(mn, slot) {
      await checks.add(JOB.scan, { mn, slot }, { ...JOB_OPTS, jobId: scanJobId(mn, slot) });
    },
  };
}

/** Start the queues, schedulers and workers. */
export async function startCheckWorkers(opts: CheckWorkersOptions): Promise<CheckWorkers> {
  const connection = redisConnection(opts.redisUrl);
  const prefix = bullPrefix(opts.prefix);
  const queue = (name: string): Queue => new Queue(name, { connection, prefix });
  const queues = { checks: queue(QUEUES.checks), repull: queue(QUEUES.repull), rollup: queue(QUEUES.rollup) };
  for (const q of Object.values(queues)) q.on('error', (err) => opts.logger.warn({ err, queue: q.name }, 'queue error'));
  const deps = opts.deps(followUpsOf(queues.checks, queues.repull, () => deps.check.clock.now()));
  const { settings } = deps.check;

  await queues.checks.upsertJobScheduler(SCHEDULERS.scanAll, { every: settings.scanEveryMs }, { name: JOB.scanAll, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
  await queues.rollup.upsertJobScheduler(SCHEDULERS.rollupDaily, { pattern: dailyCron(opts.rollupAt), tz: opts.timeZone }, { name: JOB.rollup, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });

  const processors: Record<keyof typeof QUEUES, (job: Job) => Promise<unknown>> = {
    checks: (job) => processChecksJob(deps, job.name, job.data),
    repull: (job) => processRepullJob(deps, job.name, job.data),
    rollup: (job) => processRollupJob(deps, job.data),
  };
  const workers = (Object.keys(processors) as Array<keyof typeof QUEUES>).map((name) => {
    const worker = new Worker(
      QUEUES[name],
      async (job) => {
        try {
          return await processors[name](job);
        } catch (err) {
          // A payload that does not parse will never parse: fail it without retries.
          if (err instanceof ZodError || err instanceof TypeError) throw new UnrecoverableError(`${job.name}: ${err.message}`);
          throw err;
        }
      },
      { connection, prefix, concurrency: settings.concurrency },
    );
    worker.on('completed', () => opts.metrics.jobs.inc({ queue: name, outcome: 'completed' }));
    worker.on('failed', (job, err) => {
      opts.metrics.jobs.inc({ queue: name, outcome: 'failed' });
      opts.logger.warn({ err, queue: name, job: job?.name, id: job?.id, attempts: job?.attemptsMade }, 'check job failed');
    });
    worker.on('error', (err) => opts.logger.warn({ err, queue: name }, 'worker error'));
    return worker;
  });

  async function refreshDepths(): Promise<void> {
    for (const [name, q] of Object.entries(queues)) {
      const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
      for (const [state, n] of Object.entries(counts)) opts.metrics.queueDepth.set({ queue: name, state }, n);
    }
  }
  const depthTimer = setInterval(() => void refreshDepths().catch((err: unknown) => opts.logger.debug({ err }, 'queue depth refresh failed')), settings.metricsEveryMs);
  depthTimer.unref();

  return {
    queues,
    refreshDepths,
    async close() {
      clearInterval(depthTimer);
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}
