/**
 * Logic of the review inbox (GET /reviews) without the DOM: the entry types it holds, its query, where an entry is
 * reviewed in the other screens (their filters in the hash) and the path its single-entry review posts to.
 * Unit-tested in web/test/reviews-logic.test.ts.
 */
import type { LedgerEntry, LedgerType } from '../ledger-types.js';
import { hrefOf } from '../routes.js';
import { monthOf } from './ledger-logic.js';

/** The types GET /reviews merges (src/api/ledger-bulk.ts TYPES). */
export const REVIEW_TYPES = ['gap', 'anomaly', 'backfill', 'registration'] as const satisfies readonly LedgerType[];

/** The query of GET /reviews: awaiting review (the route's default state), of one type or all, a page. */
export function inboxQuery(type: string, offset: number, limit: number): Record<string, string | number | undefined> {
  return { type: (REVIEW_TYPES as readonly string[]).includes(type) ? type : undefined, offset: offset > 0 ? offset : undefined, limit };
}

/** The collection an entry of `type` lives in on the API. */
const COLLECTION: Readonly<Record<LedgerType, string>> = { gap: 'gaps', anomaly: 'anomalies', backfill: 'backfills', registration: 'registrations' };

/** The path an entry's single review posts to (`<path>/review`). */
export function reviewPathOf(e: Pick<LedgerEntry, 'type' | 'id'>): string {
  return `/${COLLECTION[e.type]}/${encodeURIComponent(e.id)}`;
}

/**
 * Where an entry is reviewed in its own screen, filtered to its state, enterprise and month (and MN for gaps and
 * anomalies; `#/backfills?mn=…` would open the back-fill form, so back-fills and registrations go without it).
 */
export function reviewHrefOf(e: Pick<LedgerEntry, 'type' | 'state' | 'enterpriseId' | 'mn' | 'periodStart'>): string {
  const ms = Date.parse(e.periodStart);
  const month = Number.isFinite(ms) ? monthOf(ms) : undefined;
  const common = { state: e.state, enterpriseId: e.enterpriseId, month };
  switch (e.type) {
    case 'gap':
      return hrefOf('/gaps', {}, { ...common, mn: e.mn });
    case 'anomaly':
      return hrefOf('/gaps', {}, { tab: 'anomalies', ...common, mn: e.mn });
    case 'backfill':
      return hrefOf('/backfills', {}, common);
    case 'registration':
      return hrefOf('/registrations', {}, common);
  }
}

/** What the enterprise gave with an entry: the 原因说明 of a gap or anomaly, the reason of a back-fill or registration. */
export function detailOf(e: LedgerEntry): string {
  if (e.type === 'gap' || e.type === 'anomaly') return e.explanation?.text ?? '';
  if (e.type === 'backfill') return e.reason;
  return e.reasonText ?? '';
}
