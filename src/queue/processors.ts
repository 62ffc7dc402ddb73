/**
 * Job processors: a job's name and payload → the checks logic. Payloads are validated with zod; a bad payload
 * throws a ZodError, which the runner turns into an unrecoverable failure (retrying cannot fix it).
 */
import { checkJobSchema, JOB, repullJobSchema, repullTimeoutJobSchema, rescanJobSchema, rollupJobSchema, scanJobSchema } from './jobs.js';
import type { CheckDeps, ScanCounts } from '../ledgers/check-deps.js';
import { rollupMonth, type RollupDeps } from '../ledgers/monthly-ledger.js';
import { monthOf, previousMonth } from '../ledgers/periods.js';
import { handleTimeout, requestHistory, settleRequest, type RepullDeps, type RepullScheduler } from '../ledgers/history-repull.js';
import { detectDue, runCheck, scanCollector, verifyGaps } from '../ledgers/gap-detection.js';

/** Follow-up jobs a processor may enqueue (deterministic ids, see jobs.ts). */
export interface FollowUps extends RepullScheduler {
  scan(mn: string, slot: number): Promise<void>;
}

export interface ProcessorDeps {
  check: CheckDeps;
  repull: RepullDeps;
  rollup: RollupDeps;
  followUps: FollowUps;
  /** Zone of the daily rollup's "current month" (HJ212_TIME_ZONE). */
  timeZone: string;
}

async function repullIfGaps(deps: ProcessorDeps, mn: string, counts: ScanCounts): Promise<ScanCounts & { repull: boolean }> {
  const repull = (await deps.check.ledgers.activeGapIds(mn)).length > 0;
  if (repull) await deps.followUps.retry(mn, 0);
  return { ...counts, repull };
}

/** Queue `checks`: check (gateway), scan-all, scan, rescan. */
export async function processChecksJob(deps: ProcessorDeps, name: string, data: unknown): Promise<unknown> {
  switch (name) {
    case JOB.check: {
      const job = checkJobSchema.parse(data);
      const counts = await runCheck(deps.check, job);
      const due = await detectDue(deps.check, job.mn);
      return repullIfGaps(deps, job.mn, { ...counts, gapsCreated: counts.gapsCreated + due.gapsCreated, anomaliesCreated: counts.anomaliesCreated + due.anomaliesCreated });
    }
    case JOB.scanAll: {
      const slot = Math.floor(deps.check.clock.now() / deps.check.settings.scanEveryMs);
      const mns = await deps.check.items.collectors();
      for (const mn of mns) await deps.followUps.scan(mn, slot);
      return { collectors: mns.length };
    }
    case JOB.scan: {
      const { mn } = scanJobSchema.parse(data);
      return repullIfGaps(deps, mn, await scanCollector(deps.check, mn));
    }
    case JOB.rescan: {
      const { mn, qn } = rescanJobSchema.parse(data);
      const request = await deps.repull.tracker.get(mn, qn);
      const ids = new Set(request?.gapIds ?? []);
      const closed = await verifyGaps(deps.check, mn, (g) => ids.has(g.id), `history request ${qn}`);
      await settleRequest(deps.repull, mn, qn);
      await deps.followUps.retry(mn, 0);
      return { gapsClosed: closed };
    }
    default:
      throw new TypeError(`unknown job ${name} on queue checks`);
  }
}

/** Queue `repull`: repull, repull-timeout. */
export async function processRepullJob(deps: ProcessorDeps, name: string, data: unknown): Promise<unknown> {
  if (name === JOB.repull) return { outcome: await requestHistory(deps.repull, repullJobSchema.parse(data).mn) };
  if (name === JOB.repullTimeout) {
    const { mn, qn } = repullTimeoutJobSchema.parse(data);
    return { timedOut: await handleTimeout(deps.repull, mn, qn) };
  }
  throw new TypeError(`unknown job ${name} on queue repull`);
}

/** Queue `rollup`: one month, or the current and the previous local month (the daily run). */
export async function processRollupJob(deps: ProcessorDeps, data: unknown): Promise<unknown> {
  const { month } = rollupJobSchema.parse(data ?? {});
  const current = monthOf(deps.rollup.clock.now(), deps.timeZone);
  const months = month ? [month] : [previousMonth(current), current];
  let rows = 0;
  for (const m of months) rows += (await rollupMonth(deps.rollup, m)).length;
  return { months, rows };
}
