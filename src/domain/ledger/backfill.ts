/** The back-fill ledger: a value entered by hand (数据录入) for one period, its states and moves. */
import type { NumericField } from '../reading-schema.js';
import type { ActorRef, CheckKind, EntryBase, Review, ReviewMove } from './entry.js';

export const BACKFILL_STATES = ['submitted', 'accepted', 'rejected'] as const;
export type BackfillState = (typeof BACKFILL_STATES)[number];

/** A rejected back-fill may be entered again (`submitted` once more, same entry). */
export const BACKFILL_RESUBMITTABLE: BackfillState = 'rejected';

/** A regulator accepts or rejects a submitted back-fill (a rejection marks its InfluxDB point rejected). */
export const BACKFILL_REVIEW: ReviewMove<BackfillState> = { from: 'submitted', accepted: 'accepted', rejected: 'rejected' };

/** A value entered by hand (数据录入) for one period, stored in InfluxDB with flag S and tag source=manual. */
export interface BackfillEntry extends EntryBase {
  type: 'backfill';
  state: BackfillState;
  mn: string;
  factor: string;
  kind: CheckKind;
  values: Partial<Record<NumericField, number>>;
  reason: string;
  by: ActorRef;
  gapId?: string;
  review?: Review;
}
