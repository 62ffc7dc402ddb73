/**
 * What people do with ledger entries: an enterprise explains a gap or an anomaly (原因说明); a regulator reviews
 * explanations, back-fills and registrations. Every change is a compare-and-set update that appends to the entry's
 * history, so an entry's trail shows who did what and when.
 */
import { ANOMALY_MOVES_FROM, ANOMALY_REVIEW, BACKFILL_REVIEW, GAP_MOVES_FROM, GAP_REVIEW, LedgerError, REGISTRATION_REVIEW, type ActorRef, type AnomalyEntry, type GapEntry, type LedgerEntry, type RegistrationEntry, type Review, type ReviewMove } from '../domain/ledgers.js';
import { undoBackfill, type BackfillDeps } from './backfills.js';
import { transition } from './entries.js';
import { applyRegistration } from './registrations.js';

export type ActionDeps = Pick<BackfillDeps, 'ledgers' | 'sink' | 'clock'>;

const EXPLAINABLE: Readonly<Record<'gap' | 'anomaly', ReadonlySet<string>>> = {
  gap: GAP_MOVES_FROM.explained,
  anomaly: ANOMALY_MOVES_FROM.explained,
};

/** The state a review moves an entry to, by type and decision. */
const REVIEWED: Readonly<Record<LedgerEntry['type'], ReviewMove<string>>> = {
  gap: GAP_REVIEW,
  anomaly: ANOMALY_REVIEW,
  backfill: BACKFILL_REVIEW,
  registration: REGISTRATION_REVIEW,
};

async function mustGet(deps: ActionDeps, id: string): Promise<LedgerEntry> {
  const entry = await deps.ledgers.get(id);
  if (!entry) throw new LedgerError('not-found', `no ledger entry ${id}`);
  return entry;
}

/** Attach the enterprise's explanation to an open gap or anomaly (or to a rejected anomaly, again). */
export async function explain(deps: ActionDeps, id: string, text: string, by: ActorRef): Promise<GapEntry | AnomalyEntry> {
  const entry = await mustGet(deps, id);
  if (entry.type !== 'gap' && entry.type !== 'anomaly') throw new LedgerError('invalid-input', `${entry.type} entries are not explained`);
  const now = deps.clock.now();
  const updated = await deps.ledgers.update<GapEntry | AnomalyEntry>(id, (cur) =>
    EXPLAINABLE[cur.type].has(cur.state) ? { ...transition(cur, 'explained', by, now, text), explanation: { text, by, at: now } } : undefined,
  );
  if (!updated) throw new LedgerError('invalid-state', `entry ${id} is ${entry.state}; only ${[...EXPLAINABLE[entry.type]].join(' / ')} entries can be explained`);
  return updated;
}

/** A regulator's decision on an explanation, a back-fill or a registration, with its side effects. */
export async function review(deps: ActionDeps, id: string, decision: Review['decision'], comment: string, by: ActorRef): Promise<{ entry: LedgerEntry; covered?: number }> {
  const entry = await mustGet(deps, id);
  const rule = REVIEWED[entry.type];
  const now = deps.clock.now();
  const to = rule[decision];
  const updated = await deps.ledgers.update<LedgerEntry>(id, (cur) =>
    cur.state === rule.from ? ({ ...transition(cur, to as never, by, now, comment), review: { decision, comment, by, at: now } } as LedgerEntry) : undefined,
  );
  if (!updated) throw new LedgerError('invalid-state', `entry ${id} is ${entry.state}; only ${rule.from} ${entry.type} entries can be reviewed`);
  if (updated.type === 'backfill' && decision === 'rejected') await undoBackfill(deps, updated, by);
  if (updated.type === 'registration' && decision === 'accepted') {
    return { entry: updated, covered: await applyRegistration(deps.ledgers, updated as RegistrationEntry, by, now) };
  }
  return { entry: updated };
}
