/** Building ledger entries: deterministic ids, state transitions with their audit trail, registration coverage. */
import { toCode2017 } from '../../protocol/index.js';
import type { ActorRef, AnomalyEntry, AnomalyRule, Cadence, CheckItem, CheckKind, EntryBase, Evidence, GapEntry, LedgerEntry, RegistrationEntry } from '../domain/ledgers.js';

/** The worker's own actions are recorded as this actor. */
export const SYSTEM_ACTOR: ActorRef = Object.freeze({ tokenId: 'system', name: 'checks worker', role: 'system' });

/** One gap entry per collector, factor, data kind and period: retries and restarts find the same id. */
export function gapId(mn: string, factor: string, kind: CheckKind, periodStart: number): string {
  return `gap:${mn}:${factor}:${kind}:${periodStart}`;
}

/** One anomaly entry per collector, factor, data kind, period and rule. */
export function anomalyId(mn: string, factor: string, kind: CheckKind, periodStart: number, rule: AnomalyRule): string {
  return `anomaly:${mn}:${factor}:${kind}:${periodStart}:${rule}`;
}

/** One back-fill per collector, factor, data kind and period (a rejected one may be entered again). */
export function backfillId(mn: string, factor: string, kind: CheckKind, periodStart: number): string {
  return `backfill:${mn}:${factor}:${kind}:${periodStart}`;
}

/** The same registration submitted twice is one entry. */
export function registrationId(r: { enterpriseId: string; siteId: string; pointId?: string; factor?: string; periodStart: number; periodEnd: number }): string {
  return `registration:${r.enterpriseId}:${r.siteId}:${r.pointId ?? '*'}:${r.factor ?? '*'}:${r.periodStart}:${r.periodEnd}`;
}

function base(item: CheckItem, kind: CheckKind, periodStart: number, periodEnd: number, now: number, state: string): Omit<EntryBase, 'id'> {
  return {
    version: 0,
    enterpriseId: item.enterpriseId,
    siteId: item.siteId,
    pointId: item.pointId,
    mn: item.mn,
    factor: item.factor,
    kind,
    periodStart,
    periodEnd,
    createdAt: now,
    updatedAt: now,
    history: [{ at: now, by: SYSTEM_ACTOR, from: '', to: state }],
  };
}

/** A new open gap for one period of an item's cadence. */
export function newGap(item: CheckItem, cadence: Cadence, periodStart: number, now: number): GapEntry {
  return {
    ...base(item, cadence.kind, periodStart, periodStart + cadence.periodMs, now, 'open'),
    id: gapId(item.mn, item.factor, cadence.kind, periodStart),
    type: 'gap',
    state: 'open',
    mn: item.mn,
    factor: item.factor,
    kind: cadence.kind,
    attempts: [],
  };
}

/** A new open anomaly. */
export function newAnomaly(item: CheckItem, kind: CheckKind, finding: { rule: AnomalyRule; periodStart: number; periodEnd: number; evidence: Evidence }, now: number): AnomalyEntry {
  return {
    ...base(item, kind, finding.periodStart, finding.periodEnd, now, 'open'),
    id: anomalyId(item.mn, item.factor, kind, finding.periodStart, finding.rule),
    type: 'anomaly',
    state: 'open',
    mn: item.mn,
    factor: item.factor,
    kind,
    rule: finding.rule,
    evidence: finding.evidence,
  };
}

/** Move an entry to `to`, recording who, when and why. */
export function transition<T extends LedgerEntry>(entry: T, to: T['state'], by: ActorRef, now: number, note?: string): T {
  const change = note === undefined ? { at: now, by, from: entry.state, to } : { at: now, by, from: entry.state, to, note };
  return { ...entry, state: to, updatedAt: now, history: [...entry.history, change] };
}

/** One factor under either edition's code: 2005 `011` and 2017 `w01018` are both COD (compared by the 2017 code). */
export function sameFactor(a: string, b: string): boolean {
  return a === b || (toCode2017(a) ?? a) === (toCode2017(b) ?? b);
}

/** True when an accepted registration covers the item's period [start, end) (any overlap). */
export function covers(reg: RegistrationEntry, item: Pick<CheckItem, 'siteId' | 'pointId' | 'factor'>, start: number, end: number): boolean {
  return (
    reg.state === 'accepted' &&
    reg.siteId === item.siteId &&
    (reg.pointId === undefined || reg.pointId === item.pointId) &&
    (reg.factor === undefined || sameFactor(reg.factor, item.factor ?? '')) &&
    reg.periodStart < end &&
    reg.periodEnd > start
  );
}
