/**
 * Jobs of the checks pipeline besides the gateway's `check` (jobs.ts): names, zod payloads and deterministic ids.
 * Ids use `-` as separator (BullMQ refuses `:` in custom ids); a job id that exists already is not added again,
 * so repeated triggers collapse into one job.
 *
 *   queue `checks`:  check (gateway)    check-<mn>-<kind>-<hourMs>
 *                    scan-all           job scheduler `scan-all`, every scanEveryMs: fans out one scan per collector
 *                    scan {mn, slot}    scan-<mn>-<slot>          (slot = floor(now / scanEveryMs))
 *                    rescan {mn, qn}    rescan-<mn>-<qn>          (after a 9012 success)
 *   queue `repull`:  repull {mn}        repull-<mn> now, repull-<mn>-<notBefore> delayed
 *                    repull-timeout     repull-timeout-<mn>-<qn>  delayed by the request time-out
 *   queue `rollup`:  rollup {month?}    job scheduler `rollup-daily` (HJ212_ROLLUP_AT, HJ212_TIME_ZONE); on demand rollup-<month>-<at>
 */
import { z } from 'zod';

export const JOB = {
  check: 'check',
  scanAll: 'scan-all',
  scan: 'scan',
  rescan: 'rescan',
  repull: 'repull',
  repullTimeout: 'repull-timeout',
  rollup: 'rollup',
} as const;

export const scanJobSchema = z.object({ mn: z.string().min(1), slot: z.number().int() });
export const rescanJobSchema = z.object({ mn: z.string().min(1), qn: z.string().regex(/^\d{17}$/) });
export const repullJobSchema = z.object({ mn: z.string().min(1) });
export const repullTimeoutJobSchema = z.object({ mn: z.string().min(1), qn: z.string().regex(/^\d{17}$/) });
/** Month `YYYY-MM`; absent = the current and the previous local month (the daily run). */
export const rollupJobSchema = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/).optional() });

export const scanJobId = (mn: string, slot: number): string => `scan-${mn}-${slot}`;
export const rescanJobId = (mn: string, qn: string): string => `rescan-${mn}-${qn}`;
export const repullJobId = (mn: string, notBefore?: number): string => (notBefore === undefined ? `repull-${mn}` : `repull-${mn}-${notBefore}`);
export const repullTimeoutJobId = (mn: string, qn: string): string => `repull-timeout-${mn}-${qn}`;

/** Scheduler ids (BullMQ job schedulers: one per id however many workers upsert it). */
export const SCHEDULERS = { scanAll: 'scan-all', rollupDaily: 'rollup-daily' } as const;

/** BullMQ cron pattern (`m h * * *`) of a local `HH:MM`. */
export function dailyCron(at: string): string {
  const [h, m] = at.split(':');
  return `${Number(m)} ${Number(h)} * * *`;
}
