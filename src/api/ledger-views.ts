/**
 * Ledger entries as the API returns them: the stored epoch-ms times become ISO 8601 with the offset of the API's
 * zone (HJ212_TIME_ZONE), re-pull attempts name their BeginTime / EndTime `begin` / `end`.
 */
import type { z } from 'zod';
import type { AnomalyEntry, BackfillEntry, EntryBase, Explanation, GapEntry, RegistrationEntry, Review } from '../domain/ledgers.js';
import type { anomalySchema, backfillSchema, gapSchema, registrationSchema } from './ledger-schemas.js';
import { formatInZone } from './time.js';

type Iso = (ms: number) => string;

function baseView(e: EntryBase, iso: Iso) {
  return {
    ...e,
    periodStart: iso(e.periodStart),
    periodEnd: iso(e.periodEnd),
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
    history: e.history.map((h) => ({ ...h, at: iso(h.at) })),
  };
}

const signedView = <T extends Explanation | Review>(x: T | undefined, iso: Iso) => (x === undefined ? undefined : { ...x, at: iso(x.at) });

export function gapView(e: GapEntry, timeZone: string): z.infer<typeof gapSchema> {
  const iso: Iso = (ms) => formatInZone(ms, timeZone);
  return {
    ...e,
    ...baseView(e, iso),
    attempts: e.attempts.map(({ beginMs, endMs, at, finishedAt, ...rest }) => ({
      ...rest,
      begin: iso(beginMs),
      end: iso(endMs),
      at: iso(at),
      finishedAt: finishedAt === undefined ? undefined : iso(finishedAt),
    })),
    nextAttemptAt: e.nextAttemptAt === undefined ? undefined : iso(e.nextAttemptAt),
    explanation: signedView(e.explanation, iso),
    review: signedView(e.review, iso),
  };
}

export function anomalyView(e: AnomalyEntry, timeZone: string): z.infer<typeof anomalySchema> {
  const iso: Iso = (ms) => formatInZone(ms, timeZone);
  return { ...e, ...baseView(e, iso), explanation: signedView(e.explanation, iso), review: signedView(e.review, iso) };
}

export function backfillView(e: BackfillEntry, timeZone: string): z.infer<typeof backfillSchema> {
  const iso: Iso = (ms) => formatInZone(ms, timeZone);
  return { ...e, ...baseView(e, iso), review: signedView(e.review, iso) };
}

export function registrationView(e: RegistrationEntry, timeZone: string): z.infer<typeof registrationSchema> {
  const iso: Iso = (ms) => formatInZone(ms, timeZone);
  return { ...e, ...baseView(e, iso), review: signedView(e.review, iso) };
}
