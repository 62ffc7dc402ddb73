/** The registration ledger: 不正常运行登记, a period a site / point / item did not operate normally; states and moves. */
import type { ActorRef, EntryBase, Review, ReviewMove } from './entry.js';

export const REGISTRATION_STATES = ['pending', 'accepted', 'rejected'] as const;
export type RegistrationState = (typeof REGISTRATION_STATES)[number];
/** Stored by versions before the one review vocabulary; read as `accepted`, and accepted as input with that meaning. */
export const LEGACY_REGISTRATION_ACCEPTED = 'approved';

/** A regulator accepts a pending registration (which then covers gaps and anomalies) or rejects it. */
export const REGISTRATION_REVIEW: ReviewMove<RegistrationState> = { from: 'pending', accepted: 'accepted', rejected: 'rejected' };

/** 不正常运行登记 reasons: production stopped (停产), maintenance, confidential (not published), other (with text). */
export const REGISTRATION_REASONS = ['production-stopped', 'maintenance', 'confidential', 'other'] as const;
export type RegistrationReason = (typeof REGISTRATION_REASONS)[number];

/** 不正常运行登记: a period in which a site / point / item did not operate normally. */
export interface RegistrationEntry extends EntryBase {
  type: 'registration';
  state: RegistrationState;
  reason: RegistrationReason;
  reasonText?: string;
  by: ActorRef;
  review?: Review;
}
