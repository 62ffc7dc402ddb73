/** The anomaly ledger: a reading one of the rules (src/ledgers/anomalies/) found wrong, its states and moves. */
import type { CheckKind, EntryBase, Explanation, Limits, Review, ReviewMove } from './entry.js';

export const ANOMALY_STATES = ['open', 'explained', 'accepted', 'rejected', 'covered-by-registration'] as const;
export type AnomalyState = (typeof ANOMALY_STATES)[number];

export const ANOMALY_RULES = ['over-standard', 'out-of-range', 'flag', 'eflag', 'constant', 'negative', 'impossible', 'hour-vs-minute', 'cou-sum'] as const;
export type AnomalyRule = (typeof ANOMALY_RULES)[number];

/**
 * The states each move starts from: `explained` (the enterprise explains an open anomaly, or again a rejected
 * one), `covered-by-registration` (an accepted registration covers it); reviews move as ANOMALY_REVIEW says. Only an
 * open anomaly grows when later periods show the same finding.
 */
export const ANOMALY_MOVES_FROM = {
  explained: new Set<AnomalyState>(['open', 'rejected']),
  'covered-by-registration': new Set<AnomalyState>(['open', 'explained', 'rejected']),
} as const satisfies Partial<Record<AnomalyState, ReadonlySet<AnomalyState>>>;

/** A regulator accepts or rejects an explained anomaly. */
export const ANOMALY_REVIEW: ReviewMove<AnomalyState> = { from: 'explained', accepted: 'accepted', rejected: 'rejected' };

/** Values, limits and period that made a reading anomalous. */
export interface Evidence {
  values: Record<string, number | string>;
  limits?: Limits;
  /** Consecutive periods (constant values) or compared sub-periods (hour vs minute, Cou sums). */
  periods?: number;
  detail: string;
}

export interface AnomalyEntry extends EntryBase {
  type: 'anomaly';
  state: AnomalyState;
  mn: string;
  factor: string;
  kind: CheckKind;
  rule: AnomalyRule;
  evidence: Evidence;
  explanation?: Explanation;
  review?: Review;
  registrationId?: string;
}
