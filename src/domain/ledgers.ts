/**
 * Ledgers of the checks pipeline (gaps, anomalies, manual back-fills, abnormal-operation registrations, monthly
 * operation ledger) and the ports the worker and the API use to keep them. Types and ports only: each ledger's
 * states and moves are in src/domain/ledger/ (gap.ts, anomaly.ts, backfill.ts, registration.ts, entry.ts for what
 * they share), the logic in src/ledgers/, the Redis implementations in src/storage/redis/ledgers.ts, in-memory fakes
 * in test/fakes/memory-ledgers.ts.
 */
import type { NumericField } from './reading-schema.js';
import type { AnomalyEntry, AnomalyRule } from './ledger/anomaly.js';
import type { BackfillEntry } from './ledger/backfill.js';
import type { CheckKind, Limits } from './ledger/entry.js';
import type { GapEntry } from './ledger/gap.js';
import type { RegistrationEntry } from './ledger/registration.js';

export * from './ledger/entry.js';
export * from './ledger/gap.js';
export * from './ledger/anomaly.js';
export * from './ledger/backfill.js';
export * from './ledger/registration.js';

/** History request CN per data kind (HJ212-2017 CN table: 2051 minute, 2061 hour, 2031 day). Realtime has none. */
export const HISTORY_CN: Readonly<Partial<Record<CheckKind, string>>> = { minute: '2051', hour: '2061', day: '2031' };

/** One expected upload cadence of a monitoring item: e.g. `{ kind: 'hour', periodMs: 3_600_000 }`. */
export interface Cadence {
  kind: CheckKind;
  periodMs: number;
}

/** What the checks need to know about one monitoring item of one collector (built from the catalog). */
export interface CheckItem {
  /** Collector MN whose uploads carry the item. */
  mn: string;
  /** Factor code as on the wire, e.g. `w01018`. */
  factor: string;
  itemId: string;
  enterpriseId: string;
  siteId: string;
  pointId: string;
  /** `manual` items are entered by hand (数据录入): gaps are expected entries, never re-pulled. */
  mode: 'automatic' | 'manual';
  cadences: Cadence[];
  /** Emission / discharge standard limits. */
  standard?: Limits;
  /** Measuring range of the instrument. */
  range?: Limits;
  /** Factors such as temperature or static pressure may legitimately be negative. */
  allowNegative?: boolean;
  /** Identical values for this many consecutive periods are an anomaly. */
  constantPeriods?: number;
  /** Monitoring starts / ends (epoch ms); periods outside are not expected. */
  startMs?: number;
  endMs?: number;
  enabled: boolean;
  /** Time zone of the collector's DataTime (grid of days and of BeginTime / EndTime). */
  timeZone: string;
}

/** Where the checks find the monitoring items (adapter over the catalog). */
export interface ItemSource {
  /** Enabled and disabled items of one collector. */
  itemsOf(mn: string): Promise<CheckItem[]>;
  /** MNs that have at least one enabled item. */
  collectors(): Promise<string[]>;
}

/** One stored reading of one factor. */
export interface ReadingRow {
  factor: string;
  /** DataTime: the start of the interval for minute / hour / day data. */
  timeMs: number;
  /** Entered by hand (tag source=manual) rather than uploaded by the collector. */
  manual: boolean;
  values: Partial<Record<NumericField, number>>;
  flag?: string;
  eflag?: string;
  /** The collector sent a non-number in a numeric field. */
  invalid: boolean;
  /** A manual value a regulator rejected. */
  rejected: boolean;
}

/** Reads stored readings for the checks. */
export interface ReadingReader {
  /** Readings of one collector and data kind with fromMs <= time < toMs, oldest first; all factors unless given. */
  read(mn: string, kind: CheckKind, fromMs: number, toMs: number, factor?: string): Promise<ReadingRow[]>;
}

export type LedgerEntry = GapEntry | AnomalyEntry | BackfillEntry | RegistrationEntry;
export type LedgerType = LedgerEntry['type'];
export type EntryOf<T extends LedgerType> = Extract<LedgerEntry, { type: T }>;

/** Filters of a ledger listing; periods overlap [from, to). */
export interface LedgerQuery {
  type: LedgerType;
  mn?: string;
  enterpriseId?: string;
  siteId?: string;
  pointId?: string;
  factor?: string;
  kind?: CheckKind;
  states?: readonly string[];
  rule?: AnomalyRule;
  from?: number;
  to?: number;
  offset?: number;
  limit?: number;
}

export interface LedgerPage<T extends LedgerEntry = LedgerEntry> {
  total: number;
  items: T[];
}

/** Durable ledger entries. Creation is idempotent by id; updates are compare-and-set on `version`. */
export interface LedgerStore {
  /** Store a new entry; false (and nothing changes) when an entry with that id exists. */
  create(entry: LedgerEntry): Promise<boolean>;
  get(id: string): Promise<LedgerEntry | undefined>;
  getMany(ids: readonly string[]): Promise<Array<LedgerEntry | undefined>>;
  /**
   * Apply `change` to the current entry and store the result with version + 1, retrying on concurrent updates.
   * `change` returns undefined to leave the entry as it is. Resolves to the stored entry, or undefined when
   * there is no entry or nothing changed.
   */
  update<T extends LedgerEntry>(id: string, change: (current: T) => T | undefined): Promise<T | undefined>;
  /** Entries matching the query, ordered by periodStart then id. */
  list<T extends LedgerType>(query: LedgerQuery & { type: T }): Promise<LedgerPage<EntryOf<T>>>;
  /** Ids of gaps of a collector still waiting for data (open or repull-requested). */
  activeGapIds(mn: string): Promise<string[]>;
}

/** An outstanding history request to a collector. */
export interface RepullRequest {
  mn: string;
  qn: string;
  cn: string;
  kind: CheckKind;
  beginMs: number;
  endMs: number;
  gapIds: string[];
  sentAt: number;
  state: 'sent' | 'acknowledged' | 'done' | 'refused' | 'failed' | 'no-data' | 'timed-out';
  qnRtn?: string;
  exeRtn?: string;
}

/** Outstanding history requests; at most one per collector (collectors execute one command at a time). */
export interface RepullTracker {
  /** Record the request and claim the collector's slot for ttlMs; false when another request holds it or the QN was used. */
  begin(request: RepullRequest, ttlMs: number): Promise<boolean>;
  get(mn: string, qn: string): Promise<RepullRequest | undefined>;
  /** Store the changed request; `release` frees the collector's slot when this request holds it. */
  save(request: RepullRequest, release: boolean): Promise<void>;
  /** QN of the request holding the collector's slot, if any. */
  holder(mn: string): Promise<string | undefined>;
}

/** Small durable state of the checks: scan watermarks, the reply-stream cursor and leases. */
export interface CheckState {
  watermark(key: string): Promise<number | undefined>;
  /** Move the watermark forward (never backwards). */
  advance(key: string, ms: number): Promise<void>;
  cursor(name: string): Promise<string | undefined>;
  setCursor(name: string, value: string): Promise<void>;
  /** Take or renew a lease; true when `owner` holds it afterwards. */
  lease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Give a lease up if `owner` holds it (a stopping worker lets another take over at once). */
  release(name: string, owner: string): Promise<void>;
}

/** One row of the monthly operation ledger (运行台账) for a site / point / item / data kind / month. */
export interface MonthlyRow {
  month: string;
  enterpriseId: string;
  siteId: string;
  pointId: string;
  itemId: string;
  mn: string;
  factor: string;
  kind: CheckKind;
  expected: number;
  received: number;
  backFilled: number;
  coveredByRegistration: number;
  gaps: { total: number; open: number; filled: number; backFilled: number; explained: number; waived: number; covered: number };
  anomalies: { total: number; unexplained: number; explained: number; accepted: number; rejected: number; covered: number };
  /** received / (expected − covered), in percent, one decimal; 100 when nothing was expected. */
  uploadRate: number;
  /** (received + accepted or pending back-fills) / (expected − covered), in percent, one decimal. */
  publicationRate: number;
  computedAt: number;
}

/** Stored monthly rollups. */
export interface RollupStore {
  /** Replace the rows of a month for the given collectors' items. */
  put(month: string, rows: readonly MonthlyRow[]): Promise<void>;
  get(month: string): Promise<MonthlyRow[]>;
}

/** Why a ledger action was refused; the API maps each code to an HTTP status. */
export type LedgerErrorCode = 'not-found' | 'conflict' | 'invalid-state' | 'invalid-input' | 'forbidden';

/** An expected refusal of a ledger action (unknown entry, wrong state, collector data in the way...). */
export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}
