/**
 * Reverse control (HJ212-2017 6.5 host requests, CN table docs/protocol.md §3): the commands an operator may send a collector,
 * the ledger entry that follows each one, and the port that stores the entries. A request goes H→F with Flag A=1;
 * the collector answers 9011 QnRtn at once, then the data (1011 SystemTime, 1061 RtdInterval, 1063 MinInterval, or
 * history uploads), then 9012 ExeRtn. No 9011 within OverTime → the same frame again, ReCount times at most.
 */
import type { Version } from '../../protocol/index.js';

/** Command names of POST /collectors/:mn/commands, with their CN and the editions that define them. */
export const COMMAND_SPECS = {
  // 1000 sets the collector's own OverTime / ReCount (2017 and 2025; docs/protocol.md §3).
  'set-timeout': { cn: '1000', editions: ['2017', '2025'], answers: false },
  'get-time': { cn: '1011', editions: ['2005', '2017', '2025'], answers: true },
  'set-time': { cn: '1012', editions: ['2005', '2017', '2025'], answers: false },
  'get-rtd-interval': { cn: '1061', editions: ['2005', '2017', '2025'], answers: true },
  'set-rtd-interval': { cn: '1062', editions: ['2005', '2017', '2025'], answers: false },
  // 1063/1064 were added in 2017 (docs/protocol.md §3: not in 2005).
  'get-min-interval': { cn: '1063', editions: ['2017', '2025'], answers: true },
  'set-min-interval': { cn: '1064', editions: ['2017', '2025'], answers: false },
  'set-password': { cn: '1072', editions: ['2005', '2017', '2025'], answers: false },
  'start-realtime': { cn: '2011', editions: ['2005', '2017', '2025'], answers: false },
  'stop-realtime': { cn: '2012', editions: ['2005', '2017', '2025'], answers: false },
  'start-running-status': { cn: '2021', editions: ['2005', '2017', '2025'], answers: false },
  'stop-running-status': { cn: '2022', editions: ['2005', '2017', '2025'], answers: false },
  history: { cn: '', editions: ['2005', '2017', '2025'], answers: false },
} as const satisfies Record<string, { cn: string; editions: readonly Version[]; answers: boolean }>;

export type CommandName = keyof typeof COMMAND_SPECS;
export const COMMAND_NAMES = Object.keys(COMMAND_SPECS) as CommandName[];

/** History requests by data kind (HJ212-2017 6.5: BeginTime / EndTime). */
export const HISTORY_KINDS = { minute: '2051', hour: '2061', day: '2031', 'runtime-day': '2041' } as const;
export type HistoryKind = keyof typeof HISTORY_KINDS;

/**
 * queued: stored, not yet published · sent: published to the gateway holding the collector · acknowledged: 9011
 * QnRtn=1 · answered: data answer received · refused: 9011 with another QnRtn · succeeded / failed: 9012 ExeRtn 1 /
 * other (100 "no data" counts as succeeded for history only) · timed-out: no 9011 after ReCount resends, or no 9012
 * within the execution time-out · offline: no gateway holds the collector.
 */
export const COMMAND_STATES = ['queued', 'sent', 'acknowledged', 'answered', 'refused', 'succeeded', 'failed', 'timed-out', 'offline'] as const;
export type CommandState = (typeof COMMAND_STATES)[number];

/** States after which nothing changes. An `answered` entry is final once its 9012 time-out passes (see `final`). */
export const FINAL_STATES: ReadonlySet<CommandState> = new Set(['refused', 'succeeded', 'failed', 'timed-out', 'offline']);

/** Who asked: the token's id and name, never its secret. */
export interface CommandRequester {
  tokenId: string;
  name: string;
  role: string;
}

/** One command and what became of it. Times are epoch ms. */
export interface CommandEntry {
  id: string;
  mn: string;
  name: CommandName;
  cn: string;
  qn: string;
  /** The CP as sent, with NewPW replaced by `***` (the new password is never stored). */
  cp: Record<string, string>;
  requestedBy: CommandRequester;
  createdAt: number;
  sentAt?: number;
  state: CommandState;
  /** True once the state can no longer change. */
  final: boolean;
  /** Frames sent (1 + resends). */
  attempts: number;
  /** When the sweeper looks at the entry next (resend or time out); absent when final. */
  deadline?: number;
  qnRtn?: string;
  exeRtn?: string;
  /** CP of the data answer (e.g. 1011 `SystemTime`, 1061 `RtdInterval`). */
  answer?: Record<string, string>;
  acknowledgedAt?: number;
  answeredAt?: number;
  finishedAt?: number;
  /** Why it ended as it did, in words. */
  detail?: string;
}

export interface CommandQuery {
  mn?: string;
  /** Only these MNs (an enterprise's collectors). */
  mns?: ReadonlySet<string>;
  state?: CommandState;
  limit: number;
  /** Exclusive: entries created before this position (from a previous page). */
  before?: { createdAt: number; id: string };
}

/** Command ledger: bounded per MN (count) and in time (TTL). */
export interface CommandLedger {
  /** Store a new entry and map its (MN, QN) to it; false when the QN is taken for this MN. */
  create(entry: CommandEntry): Promise<boolean>;
  get(id: string): Promise<CommandEntry | undefined>;
  /** Entry answering to a collector's QN. */
  byQn(mn: string, qn: string): Promise<CommandEntry | undefined>;
  /** Compare-and-set: `change` returns the new entry or undefined to leave it. */
  update(id: string, change: (current: CommandEntry) => CommandEntry | undefined): Promise<CommandEntry | undefined>;
  /** Newest first. */
  list(query: CommandQuery): Promise<CommandEntry[]>;
  /** Ids whose deadline has passed. */
  due(now: number, limit: number): Promise<string[]>;
  /** Take an id off the due list (its entry expired or was evicted). */
  forget(id: string): Promise<void>;
}

/** Settings of reverse control (HJ212_COMMAND_*). */
export interface CommandSettings {
  /** No 9011 within this → resend (HJ212-2017 OverTime, default 5 s). */
  overTimeMs: number;
  /** Resends before giving up (ReCount, default 3). */
  reCount: number;
  /** After 9011 QnRtn=1, no 9012 within this → timed-out. */
  execTimeoutMs: number;
  /** Entries kept per collector. */
  keepPerMn: number;
  /** Entries kept at all. */
  keepTotal: number;
  /** Entries are forgotten after this. */
  ttlMs: number;
  /** How long a set-password's new password is accepted beside the old one without a 9012. */
  passwordWindowMs: number;
}

/** ExeRtn (HJ212-2017 table 10): 1 success; 100 "no data" is a success for a history request only (it ran, found nothing). */
export function exeSucceeded(exeRtn: string, name: CommandName): boolean {
  return exeRtn === '1' || (exeRtn === '100' && name === 'history');
}
