/**
 * Logic of the ledger screens (gaps and anomalies, back-fills, registrations, monthly ledger) without the DOM:
 * which role may act, which state allows which action, filters as API queries, and request bodies. Unit-tested in
 * web/test/ledger-logic.test.ts.
 */
import type { Role } from '../api.js';
import type { Tone } from '../components/StateBadge.js';
import { isoWithOffset, localInputToIso } from '../format.js';
import type { LedgerPage, LedgerType } from '../ledger-types.js';

/** Roles of the ledger routes (src/api/ledger-handlers.ts LEDGER_ROLES). */
export const LEDGER_ROLES = {
  read: ['admin', 'ops', 'regulator', 'enterprise', 'reader'],
  act: ['admin', 'enterprise'],
  review: ['admin', 'regulator'],
} as const satisfies Record<string, readonly Role[]>;

/** Who may ask for a monthly rollup (POST /monthly-ledger/rollup). */
export const ROLLUP_ROLES: readonly Role[] = ['admin', 'ops', 'regulator'];

/** States an explanation (原因说明) may be given in (src/ledgers/explain-review.ts EXPLAINABLE). */
const EXPLAINABLE: Readonly<Record<'gap' | 'anomaly', readonly string[]>> = { gap: ['open', 'repull-requested'], anomaly: ['open', 'rejected'] };
/** The state a review applies to, per type (src/ledgers/explain-review.ts REVIEWED). */
const REVIEWABLE: Readonly<Record<LedgerType, string>> = { gap: 'explained', anomaly: 'explained', backfill: 'submitted', registration: 'pending' };

export function canExplain(type: LedgerType, state: string): boolean {
  return (type === 'gap' || type === 'anomaly') && EXPLAINABLE[type].includes(state);
}

export function canReview(type: LedgerType, state: string): boolean {
  return REVIEWABLE[type] === state;
}

/** Settled states are green, ones waiting for someone amber, open or rejected ones red. */
export function stateTone(state: string): Tone {
  switch (state) {
    case 'filled-by-collector':
    case 'back-filled':
    case 'waived':
    case 'accepted':
    case 'covered-by-registration':
      return 'ok';
    case 'explained':
    case 'submitted':
    case 'pending':
    case 'repull-requested':
      return 'warn';
    case 'open':
    case 'rejected':
      return 'bad';
    default:
      return 'neutral';
  }
}

/** `2024-05` → this month as the API's period filter `[from, to)`, in the browser's zone. Undefined when malformed. */
export function monthRange(month: string): { from: string; to: string } | undefined {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  return { from: isoWithOffset(new Date(y, mo, 1).getTime()), to: isoWithOffset(new Date(y, mo + 1, 1).getTime()) };
}

/** The month of an instant in the browser's zone, `YYYY-MM`. */
export function monthOf(ms: number): string {
  return isoWithOffset(ms).slice(0, 7);
}

/** The month before `month` (`2024-01` → `2023-12`). */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** Filters of the ledger listings as the screens hold them. */
export interface LedgerFilter {
  state: string;
  enterpriseId: string;
  mn: string;
  /** `YYYY-MM` or ''. */
  month: string;
  /** Anomalies only. */
  rule: string;
}

export const NO_LEDGER_FILTER: LedgerFilter = { state: '', enterpriseId: '', mn: '', month: '', rule: '' };

/** The query string of a ledger listing (src/api/ledger-schemas.ts listQueryOf); empty filters left out. */
export function ledgerQuery(f: LedgerFilter, offset: number, limit: number): Record<string, string | number | undefined> {
  const range = f.month ? monthRange(f.month) : undefined;
  return {
    state: f.state || undefined,
    enterpriseId: f.enterpriseId || undefined,
    mn: f.mn.trim() || undefined,
    rule: f.rule || undefined,
    from: range?.from,
    to: range?.to,
    offset: offset > 0 ? offset : undefined,
    limit,
  };
}

/** Filters kept in the hash query (`#/gaps?state=open&month=2024-05`) and back. */
export function ledgerFilterFromQuery(q: Readonly<Record<string, string>>): LedgerFilter {
  return { state: q.state ?? '', enterpriseId: q.enterpriseId ?? '', mn: q.mn ?? '', month: /^\d{4}-\d{2}$/.test(q.month ?? '') ? q.month! : '', rule: q.rule ?? '' };
}

/** The offset of the next page as a pager cursor, or undefined on the last page. */
export function nextOffsetOf(page: Pick<LedgerPage<unknown>, 'offset' | 'limit' | 'total' | 'items'> | undefined): string | undefined {
  if (!page) return undefined;
  const next = page.offset + page.items.length;
  return page.items.length > 0 && next < page.total ? String(next) : undefined;
}

/** A pager cursor as an offset (the first page has none). */
export function offsetOf(cursor: string | undefined): number {
  const n = Number(cursor);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** POST …/review body. */
export function reviewBody(decision: 'accepted' | 'rejected', comment: string): { decision: 'accepted' | 'rejected'; comment: string } {
  return { decision, comment: comment.trim() };
}

/** One factor row of the back-fill form: the factor code and its values as typed. */
export interface BackfillFactorRow {
  factor: string;
  values: Record<string, string>;
}

export interface BackfillForm {
  mn: string;
  kind: string;
  /** `datetime-local` value. */
  periodStart: string;
  factors: BackfillFactorRow[];
  reason: string;
}

/**
 * The POST /backfills body: always the several-factor form (`factors`), so a field problem's path
 * `/factors/<i>/values/<field>` names the row and value typed; rows without a factor and values left empty are
 * dropped. Values that are not numbers are left out and named in `invalid` (form field names) for the form to show.
 */
export function backfillBodyOf(f: BackfillForm): { body: Record<string, unknown>; invalid: string[] } {
  const invalid: string[] = [];
  const factors: { factor: string; values: Record<string, number> }[] = [];
  f.factors.forEach((row, i) => {
    if (row.factor.trim() === '') return;
    const values: Record<string, number> = {};
    for (const [field, raw] of Object.entries(row.values)) {
      if (raw.trim() === '') continue;
      const n = Number(raw);
      if (Number.isFinite(n)) values[field] = n;
      else invalid.push(`factors.${i}.values.${field}`);
    }
    factors.push({ factor: row.factor.trim(), values });
  });
  const periodStart = localInputToIso(f.periodStart);
  return {
    body: { mn: f.mn.trim(), kind: f.kind || 'hour', ...(periodStart ? { periodStart } : {}), factors, reason: f.reason.trim() },
    invalid,
  };
}

export interface RegistrationForm {
  siteId: string;
  pointId: string;
  factor: string;
  periodStart: string;
  periodEnd: string;
  reason: string;
  reasonText: string;
}

/** The POST /registrations body: a point and a factor only when chosen; reasonText only when typed. */
export function registrationBodyOf(f: RegistrationForm): Record<string, unknown> {
  const start = localInputToIso(f.periodStart);
  const end = localInputToIso(f.periodEnd);
  return {
    siteId: f.siteId,
    ...(f.pointId ? { pointId: f.pointId } : {}),
    ...(f.pointId && f.factor ? { factor: f.factor } : {}),
    ...(start ? { periodStart: start } : {}),
    ...(end ? { periodEnd: end } : {}),
    reason: f.reason,
    ...(f.reasonText.trim() ? { reasonText: f.reasonText.trim() } : {}),
  };
}

/** The CSV download of a month (cookie-authenticated GET: a plain link works). */
export function ledgerCsvHref(month: string, enterpriseId: string): string {
  const q = new URLSearchParams({ month, format: 'csv' });
  if (enterpriseId) q.set('enterpriseId', enterpriseId);
  return `/monthly-ledger?${q.toString()}`;
}

/** A percentage for the ledger table (one decimal). */
export function showRate(rate: number): string {
  return Number.isFinite(rate) ? `${(Math.round(rate * 10) / 10).toFixed(1)}%` : '';
}
