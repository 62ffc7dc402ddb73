/**
 * BullMQ wiring of the checks pipeline: the queues `checks`, `repull` and `rollup`, their workers, the job
 * schedulers (`scan-all` every scanEveryMs, `rollup-daily` at HJ212_ROLLUP_AT local time) and follow-up jobs with
 * deterministic ids. Job outcomes and queue depths go to the metrics. Several processes may run this at once:
 * schedulers are upserted by id, jobs are idempotent.
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { ZodError } from 'zod';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { dailyCron, JOB, JOB_OPTIONS, QUEUES, repullJobId, repullTimeoutJobId, rescanJobId, scanJobId, SCHEDULERS } from './jobs.js';
import { bullPrefix, redisConnection } from './producer.js';
import { processChecksJob, processRepullJob, processRollupJob, type FollowUps, type ProcessorDeps } from './processors.js';

export interface CheckQueuesOptions {
  redisUrl: string;
  /** Deployment prefix (HJ212_REDIS_PREFIX); queues live under `${prefix}bull`. */
  prefix: string;
  logger: Logger;
  /** Clock of the delayed follow-ups (the workers' clock). */
  now: () => number;
}

/** The three queues and the follow-up scheduler over them: built first, so the processors' deps can use it. */
export interface CheckQueues {
  queues: Record<keyof typeof QUEUES, Queue>;
  followUps: FollowUps;
}

export interface CheckWorkersOptions {
  queues: CheckQueues;
  redisUrl: string;
  prefix: string;
  logger: Logger;
  metrics: Metrics;
  /** HH:MM local (HJ212_ROLLUP_AT) and zone (HJ212_TIME_ZONE) of the daily rollup. */
  rollupAt: string;
  timeZone: string;
  deps: ProcessorDeps;
}

export interface CheckWorkers {
  queues: Record<keyof typeof QUEUES, Queue>;
  /** Refresh the queue-depth gauges now (also done every metricsEveryMs). */
  refreshDepths(): Promise<void>;
  close(): Promise<void>;
}

function followUpsOf(checks: Queue, repull: Queue, now: () => number): FollowUps {
  return {
    async timeout(mn, qn, delayMs) {
      await repull.add(JOB.repullTimeout, { mn, qn }, { ...JOB_OPTIONS.followUp, jobId: repullTimeoutJobId(mn, qn), delay: delayMs });
    },
    async retry(mn, delayMs) {
      if (delayMs <= 0) {
        await repull.add(JOB.repull, { mn }, { ...JOB_OPTIONS.followUp, jobId: repullJobId(mn) });
        return;
      }
      // Rounded to the second so retries asked for by several gaps collapse into one job.
      const notBefore = Math.ceil((now() + delayMs) / 1000) * 1000;
      await repull.add(JOB.repull, { mn }, { ...JOB_OPTIONS.followUp, jobId: repullJobId(mn, notBefore), delay: notBefore - now() });
    },
    async rescan(mn, qn, delayMs) {
      await checks.add(JOB.rescan, { mn, qn }, { ...JOB_OPTIONS.followUp, jobId: rescanJobId(mn, qn), delay: delayMs });
    },
    async scan(mn, slot) {
      await checks.add(JOB.scan, { mn, slot }, { ...JOB_OPTIONS.followUp, jobId: scanJobId(mn, slot) });
    },
  };
}

/** The queues of the pipeline and the follow-up scheduler that adds jobs to them. */
export function createCheckQueues(opts: CheckQueuesOptions): CheckQueues {
  const connection = redisConnection(opts.redisUrl);
  const prefix = bullPrefix(opts.prefix);
  const queue = (name: string): Queue => new Queue(name, { connection, prefix });
  const queues = { checks: queue(QUEUES.checks), repull: queue(QUEUES.repull), rollup: queue(QUEUES.rollup) };
  for (const q of Object.values(queues)) q.on('error', (err) => opts.logger.warn({ err, queue: q.name }, 'queue error'));
  return { queues, followUps: followUpsOf(queues.checks, queues.repull, opts.now) };
}

/** Start the schedulers and workers on queues built by createCheckQueues; `close()` closes both. */
export async function startCheckWorkers(opts: CheckWorkersOptions): Promise<CheckWorkers> {
  const connection = redisConnection(opts.redisUrl);
  const prefix = bullPrefix(opts.prefix);
  const { queues } = opts.queues;
  const { deps } = opts;
  const { settings } = deps.check;

  await queues.checks.upsertJobScheduler(SCHEDULERS.scanAll, { every: settings.scanEveryMs }, { name: JOB.scanAll, data: {}, opts: JOB_OPTIONS.scheduled });
  await queues.rollup.upsertJobScheduler(SCHEDULERS.rollupDaily, { pattern: dailyCron(opts.rollupAt), tz: opts.timeZone }, { name: JOB.rollup, data: {}, opts: JOB_OPTIONS.scheduled });

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
