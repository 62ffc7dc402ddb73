/** What every ledger entry has: period, scope, version, and the audit trail of its state changes. */
import type { ValueKind } from '../reading-schema.js';

/** Data kinds (InfluxDB measurements) whose periods the checks expect: the catalog's upload kinds. */
export type CheckKind = ValueKind;

/** Lower and/or upper bound; either may be absent. */
export interface Limits {
  lower?: number;
  upper?: number;
}

/** Who did something: the API token (id, name, role) or the worker itself (`system`). */
export interface ActorRef {
  tokenId: string;
  name: string;
  role: string;
}

/** A state change on a ledger entry (the entry's own audit trail). */
export interface StateChange {
  at: number;
  by: ActorRef;
  from: string;
  to: string;
  note?: string;
}

/** An enterprise's 原因说明 (explanation) of a gap or an anomaly. */
export interface Explanation {
  text: string;
  by: ActorRef;
  at: number;
}

/** One review vocabulary for every ledger: a regulator's decision is `accepted` or `rejected`. */
export const REVIEW_DECISIONS = ['accepted', 'rejected'] as const;

/** A regulator's decision. */
export interface Review {
  decision: (typeof REVIEW_DECISIONS)[number];
  comment: string;
  by: ActorRef;
  at: number;
}

/** Where a regulator's review moves an entry: from one state to one per decision. */
export interface ReviewMove<S extends string> {
  from: S;
  accepted: S;
  rejected: S;
}

/** Fields every ledger entry has. Periods are [periodStart, periodEnd) in epoch ms. */
export interface EntryBase {
  id: string;
  /** Incremented on every update (compare-and-set). */
  version: number;
  enterpriseId: string;
  siteId: string;
  pointId?: string;
  mn?: string;
  factor?: string;
  kind?: CheckKind;
  periodStart: number;
  periodEnd: number;
  createdAt: number;
  updatedAt: number;
  history: StateChange[];
}
