/** The gap ledger: a period without a collector reading, its states and the moves between them. */
import type { CheckKind, EntryBase, Explanation, Review, ReviewMove } from './entry.js';

export const GAP_STATES = ['open', 'repull-requested', 'filled-by-collector', 'back-filled', 'explained', 'waived', 'covered-by-registration'] as const;
export type GapState = (typeof GAP_STATES)[number];

/**
 * The states each move starts from:
 * - `repull-requested`: the worker sent a history request (HJ212-2017 6.4) for an open gap;
 * - `filled-by-collector`: the collector's reading arrived (uploaded late or re-pulled);
 * - `back-filled`: a manual value was entered for the period;
 * - `explained`: the enterprise explained it (原因说明);
 * - `covered-by-registration`: an accepted abnormal-operation registration covers it.
 * A failed history request moves `repull-requested` back to `open`; a rejected back-fill moves `back-filled` back to
 * `open`; reviews move as GAP_REVIEW says.
 */
export const GAP_MOVES_FROM = {
  'repull-requested': new Set<GapState>(['open']),
  'filled-by-collector': new Set<GapState>(['open', 'repull-requested']),
  'back-filled': new Set<GapState>(['open', 'repull-requested', 'explained']),
  explained: new Set<GapState>(['open', 'repull-requested']),
  'covered-by-registration': new Set<GapState>(['open', 'repull-requested', 'explained']),
} as const satisfies Partial<Record<GapState, ReadonlySet<GapState>>>;

/** A regulator accepts an explained gap (waived) or rejects the explanation (open again). */
export const GAP_REVIEW: ReviewMove<GapState> = { from: 'explained', accepted: 'waived', rejected: 'open' };

/** States in which the collector's data is still awaited (the collector's active-gap index). */
export const GAP_AWAITING_DATA: ReadonlySet<string> = GAP_MOVES_FROM['filled-by-collector'];

/** One history re-pull attempt for a gap (HJ212-2017 6.4 request: 9011 QnRtn, data, 9012 ExeRtn). */
export interface RepullAttempt {
  qn: string;
  cn: string;
  beginMs: number;
  endMs: number;
  at: number;
  outcome: 'sent' | 'offline' | 'acknowledged' | 'refused' | 'done' | 'failed' | 'no-data' | 'timed-out';
  qnRtn?: string;
  exeRtn?: string;
  finishedAt?: number;
}

/** A period without a collector reading. */
export interface GapEntry extends EntryBase {
  type: 'gap';
  state: GapState;
  mn: string;
  factor: string;
  kind: CheckKind;
  attempts: RepullAttempt[];
  /** No automatic re-pull before this time (backoff). */
  nextAttemptAt?: number;
  explanation?: Explanation;
  review?: Review;
  backfillId?: string;
  registrationId?: string;
}
