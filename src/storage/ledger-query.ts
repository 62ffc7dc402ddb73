/** Ledger filtering and index keys shared by the Redis and the in-memory ledger stores (same semantics in both). */
import { GAP_AWAITING_DATA, LEGACY_REGISTRATION_ACCEPTED, type LedgerEntry, type LedgerPage, type LedgerQuery, type MonthlyRow } from '../domain/ledgers.js';

/** An entry as read: registrations stored as `approved` (before the one review vocabulary) read as `accepted`. */
export function upgradeEntry<T extends LedgerEntry>(entry: T): T {
  if (entry.type === 'registration' && (entry.state as string) === LEGACY_REGISTRATION_ACCEPTED) return { ...entry, state: 'accepted' };
  return entry;
}

/** Gap states in which the collector's data is still awaited (the collector's active-gap index). */
export const ACTIVE_GAP_STATES: ReadonlySet<string> = GAP_AWAITING_DATA;

/** Default and largest page size of a listing. */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

/** True when the entry passes every filter of the query; the period [periodStart, periodEnd) must overlap [from, to). */
export function matchesQuery(entry: LedgerEntry, q: LedgerQuery): boolean {
  if (entry.type !== q.type) return false;
  if (q.mn !== undefined && entry.mn !== q.mn) return false;
  if (q.enterpriseId !== undefined && entry.enterpriseId !== q.enterpriseId) return false;
  if (q.siteId !== undefined && entry.siteId !== q.siteId) return false;
  if (q.pointId !== undefined && entry.pointId !== q.pointId) return false;
  if (q.factor !== undefined && entry.factor !== q.factor) return false;
  if (q.kind !== undefined && entry.kind !== q.kind) return false;
  if (q.states !== undefined && q.states.length > 0 && !q.states.includes(entry.state)) return false;
  if (q.rule !== undefined && (entry.type !== 'anomaly' || entry.rule !== q.rule)) return false;
  if (q.from !== undefined && entry.periodEnd <= q.from) return false;
  if (q.to !== undefined && entry.periodStart >= q.to) return false;
  return true;
}

/** Sort by period, then id, and cut the requested page. */
export function paginate<T extends LedgerEntry>(entries: T[], q: LedgerQuery): LedgerPage<T> {
  entries.sort((a, b) => a.periodStart - b.periodStart || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const offset = Math.max(0, q.offset ?? 0);
  const limit = Math.min(MAX_LIMIT, Math.max(1, q.limit ?? DEFAULT_LIMIT));
  return { total: entries.length, items: entries.slice(offset, offset + limit) };
}

/**
 * Index names of an entry (without the deployment prefix): every entry of a type, by collector, enterprise, site
 * and state, plus the collector's active gaps.
 */
export function indexNamesOf(entry: LedgerEntry): string[] {
  const names = [`idx:${entry.type}`, `idx:${entry.type}:ent:${entry.enterpriseId}`, `idx:${entry.type}:site:${entry.siteId}`, `idx:${entry.type}:state:${entry.state}`];
  if (entry.mn !== undefined) names.push(`idx:${entry.type}:mn:${entry.mn}`);
  if (entry.type === 'gap' && ACTIVE_GAP_STATES.has(entry.state)) names.push(`active:${entry.mn}`);
  return names;
}

/** The most selective index a query can be served from (all others are filters applied after loading). */
export function indexNameFor(q: LedgerQuery): string {
  if (q.mn !== undefined) return `idx:${q.type}:mn:${q.mn}`;
  if (q.siteId !== undefined) return `idx:${q.type}:site:${q.siteId}`;
  if (q.enterpriseId !== undefined) return `idx:${q.type}:ent:${q.enterpriseId}`;
  // Not for registrations: legacy entries sit in the `approved` state index (see upgradeEntry); they are few anyway.
  if (q.type !== 'registration' && q.states?.length === 1 && q.states[0] !== undefined) return `idx:${q.type}:state:${q.states[0]}`;
  return `idx:${q.type}`;
}

/** Hash field of a monthly row: one per collector, item and data kind. */
export function rollupField(row: MonthlyRow): string {
  return `${row.mn}|${row.itemId}|${row.factor}|${row.kind}`;
}

/** Rows in a stable order: site, point, factor, kind. */
export function compareRows(a: MonthlyRow, b: MonthlyRow): number {
  return a.siteId.localeCompare(b.siteId) || a.pointId.localeCompare(b.pointId) || a.factor.localeCompare(b.factor) || a.kind.localeCompare(b.kind);
}
