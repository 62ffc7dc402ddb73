/**
 * zod schemas of the ledger routes: entries as returned (times ISO 8601 with offset), listing filters, and the
 * bodies of explain, review, back-fill and registration. They generate the OpenAPI components under /docs.
 */
import { z } from 'zod';
import { ANOMALY_RULES, ANOMALY_STATES, BACKFILL_STATES, GAP_STATES, LEGACY_REGISTRATION_ACCEPTED, REGISTRATION_REASONS, REGISTRATION_STATES, REVIEW_DECISIONS } from '../domain/ledgers.js';
import { NUMERIC_FIELDS, VALUE_KINDS } from '../domain/readings.js';
import { isoDateTime, text } from './schemas.js';

/** Ledger ids hold the collector, factor, kind and period (`gap:<mn>:<factor>:<kind>:<ms>`), so they are long. */
export const entryParams = z.object({ id: z.string().min(1).max(300) });

const actorSchema = z.object({ tokenId: z.string(), name: z.string(), role: z.string() }).meta({ id: 'LedgerActor' });
const limitsSchema = z.object({ lower: z.number().optional(), upper: z.number().optional() });
const explanationSchema = z.object({ text: z.string(), by: actorSchema, at: z.string() }).describe('原因说明 of the enterprise');
const reviewSchema = z.object({ decision: z.enum(REVIEW_DECISIONS), comment: z.string(), by: actorSchema, at: z.string() }).describe("the regulator's decision");
const valuesSchema = z.partialRecord(z.enum(NUMERIC_FIELDS), z.number());

const baseFields = {
  id: z.string(),
  version: z.number().int().describe('incremented on every change'),
  enterpriseId: z.string(),
  siteId: z.string(),
  pointId: z.string().optional(),
  mn: z.string().optional(),
  factor: z.string().optional(),
  kind: z.enum(VALUE_KINDS).optional(),
  periodStart: z.string().describe('start of the period, inclusive'),
  periodEnd: z.string().describe('end of the period, exclusive'),
  createdAt: z.string(),
  updatedAt: z.string(),
  history: z.array(z.object({ at: z.string(), by: actorSchema, from: z.string(), to: z.string(), note: z.string().optional() })).describe('every state change: who, when, why'),
};

const attemptSchema = z.object({
  qn: z.string(),
  cn: z.string().describe('2051 minute, 2061 hour, 2031 day history request'),
  begin: z.string().describe('BeginTime asked for'),
  end: z.string().describe('EndTime asked for'),
  at: z.string(),
  outcome: z.enum(['sent', 'offline', 'acknowledged', 'refused', 'done', 'failed', 'no-data', 'timed-out']),
  qnRtn: z.string().optional(),
  exeRtn: z.string().optional(),
  finishedAt: z.string().optional(),
});

export const gapSchema = z
  .object({
    ...baseFields,
    type: z.literal('gap'),
    state: z.enum(GAP_STATES),
    attempts: z.array(attemptSchema).describe('automatic history re-pulls'),
    nextAttemptAt: z.string().optional(),
    explanation: explanationSchema.optional(),
    review: reviewSchema.optional(),
    backfillId: z.string().optional(),
    registrationId: z.string().optional(),
  })
  .meta({ id: 'GapEntry' });

export const anomalySchema = z
  .object({
    ...baseFields,
    type: z.literal('anomaly'),
    state: z.enum(ANOMALY_STATES),
    rule: z.enum(ANOMALY_RULES),
    evidence: z.object({ values: z.record(z.string(), z.union([z.number(), z.string()])), limits: limitsSchema.optional(), periods: z.number().optional(), detail: z.string() }),
    explanation: explanationSchema.optional(),
    review: reviewSchema.optional(),
    registrationId: z.string().optional(),
  })
  .meta({ id: 'AnomalyEntry' });

export const backfillSchema = z
  .object({ ...baseFields, type: z.literal('backfill'), state: z.enum(BACKFILL_STATES), values: valuesSchema, reason: z.string(), by: actorSchema, gapId: z.string().optional(), review: reviewSchema.optional() })
  .meta({ id: 'BackfillEntry' });

export const registrationSchema = z
  .object({ ...baseFields, type: z.literal('registration'), state: z.enum(REGISTRATION_STATES), reason: z.enum(REGISTRATION_REASONS), reasonText: z.string().optional(), by: actorSchema, review: reviewSchema.optional() })
  .meta({ id: 'RegistrationEntry' });

/** A page of a listing. */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ total: z.number().int(), offset: z.number().int(), limit: z.number().int(), items: z.array(item) });

const stateList = (states: readonly string[]) =>
  z
    .string()
    .refine((s) => s.split(',').every((x) => states.includes(x)), `comma-separated states: ${states.join(', ')}`)
    .optional()
    .describe(`comma-separated: ${states.join(', ')}`);

/** Which entries a ledger listing (or the review inbox) selects: collector, enterprise, site, point, item, kind. */
export const entryScopeFields = {
  mn: z.string().min(1).max(64).optional(),
  enterpriseId: z.string().min(1).max(64).optional().describe('an enterprise token always sees its own'),
  siteId: z.string().min(1).max(64).optional(),
  pointId: z.string().min(1).max(64).optional(),
  factor: z.string().min(1).max(16).optional(),
  kind: z.enum(VALUE_KINDS).optional(),
};

/** The period (entries overlapping [from, to)) and the page of a ledger listing. */
export const periodPageFields = {
  from: isoDateTime.optional().describe('periods ending after this'),
  to: isoDateTime.optional().describe('periods starting before this'),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
};

/** Filters of every ledger listing; the period filter keeps entries overlapping [from, to). */
export function listQueryOf(states: readonly string[]) {
  return z.object({ ...entryScopeFields, state: stateList(states), ...periodPageFields });
}

export const explainBody = z.object({ text: text(2000).describe('原因说明') });
export const reviewBody = z.object({
  decision: z.enum([...REVIEW_DECISIONS, LEGACY_REGISTRATION_ACCEPTED]).describe("accepted or rejected, for every ledger; 'approved' is the deprecated word for accepted"),
  comment: text(2000),
});

const someValues = valuesSchema.refine((v) => Object.keys(v).length > 0, 'at least one value');

export const backfillBody = z
  .object({
    mn: z.string().min(1).max(64),
    kind: z.enum(VALUE_KINDS).default('hour'),
    periodStart: isoDateTime.describe('start of the period the values are for (DataTime)'),
    factor: z.string().min(1).max(16).optional().describe('one factor: with `values`'),
    values: someValues.optional().describe('e.g. { "avg": 12.5 }'),
    factors: z
      .array(z.object({ factor: z.string().min(1).max(16), values: someValues }))
      .min(1)
      .optional()
      .describe('several factors of the period in one entry (instead of factor + values); all are stored or none'),
    reason: text(2000),
  })
  .refine((b) => (b.factors === undefined) === (b.factor !== undefined && b.values !== undefined) && (b.factors === undefined || (b.factor === undefined && b.values === undefined)), {
    message: 'give either factor and values, or factors',
  });

/** Answer of a several-factor back-fill: one entry per factor, in the order given. */
export const backfillBatchSchema = z.object({ items: z.array(backfillSchema) }).meta({ id: 'BackfillBatch' });

export const registrationBody = z.object({
  siteId: z.string().min(1).max(64),
  pointId: z.string().min(1).max(64).optional().describe('absent: the whole site'),
  factor: z.string().min(1).max(16).optional().describe('absent: every item of the point (needs pointId)'),
  periodStart: isoDateTime,
  periodEnd: isoDateTime,
  reason: z.enum(REGISTRATION_REASONS).describe('停产 production-stopped, maintenance, confidential (not published), other (with reasonText)'),
  reasonText: text(2000).optional(),
});
