/** Shapes of the ledger answers (src/api/ledger-schemas.ts, src/api/routes/monthly-ledger.ts) the ledger screens read. */

export const GAP_STATES = ['open', 'repull-requested', 'filled-by-collector', 'back-filled', 'explained', 'waived', 'covered-by-registration'] as const;
export const ANOMALY_STATES = ['open', 'explained', 'accepted', 'rejected', 'covered-by-registration'] as const;
export const BACKFILL_STATES = ['submitted', 'accepted', 'rejected'] as const;
export const REGISTRATION_STATES = ['pending', 'accepted', 'rejected'] as const;
export const REGISTRATION_REASONS = ['production-stopped', 'maintenance', 'confidential', 'other'] as const;
export const ANOMALY_RULES = ['over-standard', 'out-of-range', 'flag', 'eflag', 'constant', 'negative', 'impossible', 'hour-vs-minute', 'cou-sum'] as const;
/** Kinds a ledger entry or back-fill can be of (src/domain/readings.ts VALUE_KINDS). */
export const VALUE_KINDS = ['realtime', 'minute', 'hour', 'day', 'five_minute'] as const;
/** Value fields of a back-fill (src/domain/readings.ts NUMERIC_FIELDS). */
export const VALUE_FIELDS = ['avg', 'min', 'max', 'cou', 'rtd'] as const;

export type LedgerType = 'gap' | 'anomaly' | 'backfill' | 'registration';

export interface LedgerActor {
  tokenId: string;
  name: string;
  role: string;
}

export interface LedgerReview {
  decision: 'accepted' | 'rejected';
  comment: string;
  by: LedgerActor;
  at: string;
}

interface EntryBase {
  id: string;
  version: number;
  enterpriseId: string;
  siteId: string;
  pointId?: string;
  mn?: string;
  factor?: string;
  kind?: string;
  periodStart: string;
  periodEnd: string;
  createdAt: string;
  updatedAt: string;
  history: { at: string; by: LedgerActor; from: string; to: string; note?: string }[];
  review?: LedgerReview;
}

export interface GapEntry extends EntryBase {
  type: 'gap';
  state: (typeof GAP_STATES)[number];
  explanation?: { text: string; by: LedgerActor; at: string };
  backfillId?: string;
  registrationId?: string;
}

export interface AnomalyEntry extends EntryBase {
  type: 'anomaly';
  state: (typeof ANOMALY_STATES)[number];
  rule: string;
  evidence: { values: Record<string, number | string>; limits?: { lower?: number; upper?: number }; periods?: number; detail: string };
  explanation?: { text: string; by: LedgerActor; at: string };
  registrationId?: string;
}

export interface BackfillEntry extends EntryBase {
  type: 'backfill';
  state: (typeof BACKFILL_STATES)[number];
  values: Record<string, number>;
  reason: string;
  by: LedgerActor;
  gapId?: string;
}

export interface RegistrationEntry extends EntryBase {
  type: 'registration';
  state: (typeof REGISTRATION_STATES)[number];
  reason: (typeof REGISTRATION_REASONS)[number];
  reasonText?: string;
  by: LedgerActor;
}

export type LedgerEntry = GapEntry | AnomalyEntry | BackfillEntry | RegistrationEntry;

/** A ledger listing page (offset paging). */
export interface LedgerPage<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

/** One row of GET /monthly-ledger. */
export interface MonthlyRow {
  month: string;
  enterpriseId: string;
  siteId: string;
  pointId: string;
  itemId: string;
  mn: string;
  factor: string;
  kind: string;
  expected: number;
  received: number;
  backFilled: number;
  coveredByRegistration: number;
  gaps: { total: number; open: number; filled: number; backFilled: number; explained: number; waived: number; covered: number };
  anomalies: { total: number; unexplained: number; explained: number; accepted: number; rejected: number; covered: number };
  uploadRate: number;
  publicationRate: number;
  computedAt: string;
}

export interface MonthlyLedger {
  month: string;
  computed: 'rollup' | 'on-read' | 'pending';
  computedAt: string;
  jobId?: string;
  rows: MonthlyRow[];
}
