/**
 * 不正常运行登记 (abnormal-operation registration): an enterprise registers a site / point / item and a period with a
 * reason; a regulator accepts or rejects it. Once accepted, the period's gaps and anomalies that nobody has settled
 * become covered-by-registration, and scans create no new ones inside it (see covers() in entries.ts).
 */
import { ANOMALY_MOVES_FROM, GAP_MOVES_FROM, LedgerError, type ActorRef, type AnomalyEntry, type GapEntry, type LedgerStore, type RegistrationEntry, type RegistrationReason } from '../domain/ledgers.js';
import { covers, registrationId, transition } from './entries.js';
import { listAll } from './gap-detection.js';

/** What an enterprise registers. */
export interface RegistrationInput {
  enterpriseId: string;
  siteId: string;
  pointId?: string;
  /** Factor of one monitoring item; absent = every item of the point (or site). */
  factor?: string;
  periodStart: number;
  periodEnd: number;
  reason: RegistrationReason;
  reasonText?: string;
}

/** Create a pending registration; the same registration twice is a conflict. */
export async function register(ledgers: LedgerStore, input: RegistrationInput, by: ActorRef, now: number): Promise<RegistrationEntry> {
  if (!(input.periodEnd > input.periodStart)) throw new LedgerError('invalid-input', 'the period must end after it starts');
  if (input.reason === 'other' && !input.reasonText) throw new LedgerError('invalid-input', "reason 'other' needs a text");
  if (input.factor !== undefined && input.pointId === undefined) throw new LedgerError('invalid-input', 'an item (factor) needs its point');
  const entry: RegistrationEntry = {
    id: registrationId(input),
    type: 'registration',
    version: 0,
    state: 'pending',
    enterpriseId: input.enterpriseId,
    siteId: input.siteId,
    pointId: input.pointId,
    factor: input.factor,
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    reason: input.reason,
    reasonText: input.reasonText,
    by,
    createdAt: now,
    updatedAt: now,
    history: [{ at: now, by, from: '', to: 'pending' }],
  };
  if (!(await ledgers.create(entry))) throw new LedgerError('conflict', `registration ${entry.id} exists`);
  return entry;
}

const COVERABLE_GAP: ReadonlySet<string> = GAP_MOVES_FROM['covered-by-registration'];
const COVERABLE_ANOMALY: ReadonlySet<string> = ANOMALY_MOVES_FROM['covered-by-registration'];

/** Mark the unsettled gaps and anomalies inside an accepted registration as covered by it; returns how many. */
export async function applyRegistration(ledgers: LedgerStore, reg: RegistrationEntry, by: ActorRef, now: number): Promise<number> {
  let covered = 0;
  const scope = { siteId: reg.siteId, from: reg.periodStart, to: reg.periodEnd };
  const gaps = await listAll(ledgers, { type: 'gap', ...scope, states: [...COVERABLE_GAP] });
  const anomalies = await listAll(ledgers, { type: 'anomaly', ...scope, states: [...COVERABLE_ANOMALY] });
  for (const entry of [...gaps, ...anomalies]) {
    if (!covers(reg, { siteId: entry.siteId, pointId: entry.pointId ?? '', factor: entry.factor }, entry.periodStart, entry.periodEnd)) continue;
    const note = `registration ${reg.id} (${reg.reason})`;
    const updated = await ledgers.update<GapEntry | AnomalyEntry>(entry.id, (cur) => {
      const coverable = cur.type === 'gap' ? COVERABLE_GAP : COVERABLE_ANOMALY;
      if (!coverable.has(cur.state)) return undefined;
      return { ...transition(cur, 'covered-by-registration', by, now, note), registrationId: reg.id };
    });
    if (updated) covered++;
  }
  return covered;
}
