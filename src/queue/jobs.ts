/**
 * Every job of the checks pipeline in one place: queue and job names, zod payloads, deterministic job ids,
 * scheduler ids and the options each job is added with. Ids use `-` as separator (BullMQ 5+ refuses custom ids
 * containing `:`); a job id that exists already is not added again, so repeated triggers collapse into one job.
 *
 *   queue `checks`:  check (gateway)    check-<mn>-<kind>-<hourMs>
 *                    scan-all           job scheduler `scan-all`, every scanEveryMs: fans out one scan per collector
 *                    scan {mn, slot}    scan-<mn>-<slot>          (slot = floor(now / scanEveryMs))
 *                    rescan {mn, qn}    rescan-<mn>-<qn>          (after a 9012 success)
 *   queue `repull`:  repull {mn}        repull-<mn> now, repull-<mn>-<notBefore> delayed
 *                    repull-timeout     repull-timeout-<mn>-<qn>  delayed by the request time-out
 *   queue `rollup`:  rollup {month?}    job scheduler `rollup-daily` (HJ212_ROLLUP_AT, HJ212_TIME_ZONE); on demand rollup-<month>-<second>
 */
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { HOUR_MS } from '../ledgers/gap-detection.js';

/** Check jobs are per hour (re-exported for the producer and the tests). */
export { HOUR_MS };

export const QUEUES = { checks: 'checks', repull: 'repull', rollup: 'rollup' } as const;

export const JOB = {
  check: 'check',
  scanAll: 'scan-all',
  scan: 'scan',
  rescan: 'rescan',
  repull: 'repull',
  repullTimeout: 'repull-timeout',
  rollup: 'rollup',
} as const;

/**
 * Options of every job added. Completed jobs are removed (so a deterministic id can be used again), failed ones
 * kept for inspection. Check and follow-up jobs retry 5 times; an on-demand rollup 3 times (the daily run repeats it).
 * Scheduled fan-out jobs (scan-all, rollup-daily) do not retry: the next tick runs them again.
 */
export const JOB_OPTIONS = {
  check: { removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
  followUp: { removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
  rollupOnDemand: { removeOnComplete: true, removeOnFail: 1000, attempts: 3, backoff: { type: 'exponential', delay: 1000 } },
  scheduled: { removeOnComplete: true, removeOnFail: 100 },
} as const satisfies Record<string, JobsOptions>;

/** Check the readings of one collector, data kind and hour: gaps and anomalies. */
export const checkJobSchema = z.object({
  mn: z.string().min(1),
  kind: z.string().min(1),
  /** Start of the hour (epoch ms UTC) the new readings fall in. */
  hourMs: z.number().int(),
});
export type CheckJob = z.infer<typeof checkJobSchema>;

export const scanJobSchema = z.object({ mn: z.string().min(1), slot: z.number().int() });
export const rescanJobSchema = z.object({ mn: z.string().min(1), qn: z.string().regex(/^\d{17}$/) });
export const repullJobSchema = z.object({ mn: z.string().min(1) });
export const repullTimeoutJobSchema = z.object({ mn: z.string().min(1), qn: z.string().regex(/^\d{17}$/) });
/** Month `YYYY-MM`; absent = the current and the previous local month (the daily run). */
export const rollupJobSchema = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/).optional() });

/**
 * The same collector + kind + hour always maps to one job id, so bursts of frames collapse into one job. MNs are
 * letters and digits and kinds use `_`, so the `-`-separated parts stay unambiguous.
 */
export function checkJobId(job: CheckJob): string {
  return `check-${job.mn}-${job.kind}-${job.hourMs}`;
}
export const scanJobId = (mn: string, slot: number): string => `scan-${mn}-${slot}`;
export const rescanJobId = (mn: string, qn: string): string => `rescan-${mn}-${qn}`;
export const repullJobId = (mn: string, notBefore?: number): string => (notBefore === undefined ? `repull-${mn}` : `repull-${mn}-${notBefore}`);
export const repullTimeoutJobId = (mn: string, qn: string): string => `repull-timeout-${mn}-${qn}`;
/** Repeated on-demand requests within one second collapse into one job. */
export const rollupJobId = (month: string, atMs: number): string => `rollup-${month}-${Math.floor(atMs / 1000)}`;

/** Scheduler ids (BullMQ job schedulers: one per id however many workers upsert it). */
export const SCHEDULERS = { scanAll: 'scan-all', rollupDaily: 'rollup-daily' } as const;

/** BullMQ cron pattern (`m h * * *`) of a local `HH:MM`. */
export function dailyCron(at: string): string {
  const [h, m] = at.split(':');
  return `${Number(m)} ${Number(h)} * * *`;
}
