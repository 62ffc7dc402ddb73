/** Queue and job names, payload schemas and deterministic job ids (bullmq: idempotent jobs). */
import { z } from 'zod';

export const QUEUES = { checks: 'checks', repull: 'repull', rollup: 'rollup' } as const;

/** Check the readings of one collector, data kind and hour: gaps and anomalies. */
export const checkJobSchema = z.object({
  mn: z.string().min(1),
  kind: z.string().min(1),
  /** Start of the hour (epoch ms UTC) the new readings fall in. */
  hourMs: z.number().int(),
});
export type CheckJob = z.infer<typeof checkJobSchema>;

export const HOUR_MS = 3_600_000;

/**
 * The same collector + kind + hour always maps to one job id, so bursts of frames collapse into one job.
 * Separator `-`: BullMQ 5+ refuses custom ids containing `:` (except 3-part legacy repeat ids); MNs are letters
 * and digits and kinds use `_`, so the parts stay unambiguous.
 */
export function checkJobId(job: CheckJob): string {
  return `check-${job.mn}-${job.kind}-${job.hourMs}`;
}
