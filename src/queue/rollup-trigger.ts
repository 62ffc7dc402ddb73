/**
 * On-demand monthly rollups from processes that do not run the workers (the API): a job on queue `rollup` with
 * the id `rollup-<month>-<second>`, so repeated requests within a second collapse into one job (jobs.ts).
 */
import { Queue } from 'bullmq';
import { JOB, JOB_OPTIONS, QUEUES, rollupJobId, rollupJobSchema } from './jobs.js';
import { bullPrefix, redisConnection } from './producer.js';

export interface RollupTrigger {
  /** Enqueue a rollup of `month` (`YYYY-MM`); resolves with the job id. */
  request(month: string): Promise<string>;
  close(): Promise<void>;
}

export function createRollupTrigger(opts: { redisUrl: string; prefix: string; now?: () => number }): RollupTrigger {
  const queue = new Queue(QUEUES.rollup, { connection: redisConnection(opts.redisUrl), prefix: bullPrefix(opts.prefix) });
  const now = opts.now ?? Date.now;
  return {
    async request(month) {
      const data = rollupJobSchema.parse({ month });
      const jobId = rollupJobId(month, now());
      await queue.add(JOB.rollup, data, { ...JOB_OPTIONS.rollupOnDemand, jobId });
      return jobId;
    },
    close: () => queue.close(),
  };
}
