/**
 * Manual back-fill (数据录入): an enterprise user enters the values of one missing period with a reason. They are
 * stored in InfluxDB in the data kind's measurement with tag source=manual and data flag S (HJ212-2017 data flag
 * "S: manually entered value"), beside the collector's series and never over it: a period that holds a collector
 * reading is refused, so are values outside the item's measuring range (量程). The values go through the same anomaly
 * rules as collector data. The ledger keeps who, when and why; a regulator accepts or rejects it.
 */
import type { Clock } from '../domain/clock.js';
import { BACKFILL_RESUBMITTABLE, GAP_MOVES_FROM, LedgerError, type ActorRef, type BackfillEntry, type CheckItem, type CheckKind, type GapEntry, type ItemSource, type LedgerStore, type Limits, type ReadingReader, type ReadingRow } from '../domain/ledgers.js';
import type { SeriesPoint } from '../domain/series-point.js';
import type { ReadingSink } from '../domain/ports.js';
import { MANUAL_SOURCE, RAW_FIELD, REJECTED_FIELD, TAG, WIRE_SUFFIX, type NumericField } from '../domain/reading-schema.js';
import { backfillId, gapId, SYSTEM_ACTOR, transition } from './entries.js';
import { evaluateReading, type RuleInput } from './anomaly-rules.js';
import { recordFindings } from './item-window.js';
import { periodStartOf } from './periods.js';
import { listAll } from './gap-detection.js';
import { DEFAULT_CHECK_SETTINGS } from './check-settings.js';
import { inValidity } from './validity.js';

export interface BackfillDeps {
  ledgers: LedgerStore;
  readings: ReadingReader;
  /** Where manual points are written (the InfluxDB writer). */
  sink: Pick<ReadingSink, 'write'>;
  items: ItemSource;
  clock: Clock;
  /** Anomaly rule settings for the values entered (the checks' settings; code defaults when absent). */
  rules?: Partial<RuleInput['settings']>;
}

/** The values of one factor of a back-fill. */
export interface FactorValues {
  factor: string;
  values: Partial<Record<NumericField, number>>;
}

/** One period of one collector and data kind, with the values of one or more factors (数据录入). */
export interface BackfillInput {
  mn: string;
  kind: CheckKind;
  periodStart: number;
  factors: FactorValues[];
  reason: string;
}

/** A field of the request that was refused, as a JSON pointer into the body and why. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** Values outside the item's measuring range (量程): refused, with the range and the field path. */
export class OutOfRangeError extends LedgerError {
  constructor(readonly problems: FieldProblem[]) {
    super('invalid-input', problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    this.name = 'OutOfRangeError';
  }
}


/** The InfluxDB point of a back-fill; `rejected` re-writes the same point (same series and time) marked rejected. */
export function manualPoint(entry: Pick<BackfillEntry, 'mn' | 'factor' | 'kind' | 'periodStart' | 'values'>, rejected = false): SeriesPoint {
  const fields: SeriesPoint['fields'] = {};
  const raw: string[] = [];
  for (const [field, value] of Object.entries(entry.values) as Array<[NumericField, number]>) {
    fields[field] = value;
    raw.push(`${WIRE_SUFFIX[field]}=${value}`);
  }
  fields.flag = 'S';
  fields[RAW_FIELD] = [...raw, 'Flag=S'].join(',');
  // Always written: a back-fill entered again after a rejection re-writes the same point, and InfluxDB keeps any
  // field the new write leaves out, so `rejected` must be set back to false explicitly.
  fields[REJECTED_FIELD] = rejected;
  return { measurement: entry.kind, tags: { [TAG.mn]: entry.mn, [TAG.factor]: entry.factor, [TAG.source]: MANUAL_SOURCE }, fields, timeMs: entry.periodStart };
}

interface Checked extends FactorValues {
  item: CheckItem;
  periodMs: number;
  /** JSON pointer of the factor's values in the request body. */
  path: string;
}

/** Fields compared with the measuring range: the measured concentrations (as the out-of-range rule does). */
const MEASURED: readonly NumericField[] = ['rtd', 'min', 'avg', 'max'];

function describe(range: Limits): string {
  return `${range.lower ?? '-∞'}..${range.upper ?? '+∞'}`;
}

function checkFactor(deps: BackfillDeps, items: readonly CheckItem[], input: BackfillInput, f: FactorValues, path: string): Checked {
  const item = items.find((i) => i.factor === f.factor && i.enabled);
  if (!item) throw new LedgerError('not-found', `collector ${input.mn} has no enabled item ${f.factor}`);
  const cadence = item.cadences.find((c) => c.kind === input.kind);
  if (!cadence) throw new LedgerError('invalid-input', `item ${f.factor} expects no ${input.kind} data`);
  if (periodStartOf(input.periodStart, cadence.periodMs, item.timeZone) !== input.periodStart) throw new LedgerError('invalid-input', 'periodStart is not the start of a period');
  if (input.periodStart + cadence.periodMs > deps.clock.now()) throw new LedgerError('invalid-input', 'the period has not ended yet');
  if (!inValidity(item, input.periodStart, input.periodStart + cadence.periodMs)) throw new LedgerError('invalid-input', `item ${f.factor} expects no data for this period (before its start or binding, or after its end)`);
  if (Object.keys(f.values).length === 0) throw new LedgerError('invalid-input', 'no values');
  return { ...f, item, periodMs: cadence.periodMs, path };
}

/** Values outside the measuring range of their items, every one of them. */
function rangeProblems(checked: readonly Checked[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const c of checked) {
    const { range } = c.item;
    if (!range) continue;
    for (const field of MEASURED) {
      const v = c.values[field];
      if (v === undefined || ((range.lower === undefined || v >= range.lower) && (range.upper === undefined || v <= range.upper))) continue;
      problems.push({ path: `${c.path}/${field}`, message: `${v} is outside the measuring range (量程) ${describe(range)} of item ${c.factor}` });
    }
  }
  return problems;
}

/** Everything is checked before anything is stored: one refused factor refuses the whole entry. */
async function checkAll(deps: BackfillDeps, input: BackfillInput, paths: readonly string[]): Promise<Checked[]> {
  if (input.factors.length === 0) throw new LedgerError('invalid-input', 'no factors');
  const codes = input.factors.map((f) => f.factor);
  if (new Set(codes).size !== codes.length) throw new LedgerError('invalid-input', 'a factor appears twice');
  // Work is bounded by the collector's items: the first factor that is not one of them refuses the entry.
  const items = await deps.items.itemsOf(input.mn);
  const checked = input.factors.map((f, i) => checkFactor(deps, items, input, f, paths[i] ?? `/factors/${i}/values`));
  const problems = rangeProblems(checked);
  if (problems.length > 0) throw new OutOfRangeError(problems);
  const periodEnd = input.periodStart + Math.max(...checked.map((c) => c.periodMs));
  const existing = await deps.readings.read(input.mn, input.kind, input.periodStart, periodEnd);
  for (const c of checked) {
    const collector = existing.some((r) => !r.manual && r.factor === c.factor && r.timeMs < input.periodStart + c.periodMs);
    if (collector) throw new LedgerError('conflict', `the collector has a reading of ${c.factor} for this period; manual values never replace collector data`);
    const entry = await deps.ledgers.get(backfillId(input.mn, c.factor, input.kind, input.periodStart));
    if (entry && entry.state !== BACKFILL_RESUBMITTABLE) throw new LedgerError('conflict', `period already back-filled (${entry.id})`);
  }
  return checked;
}

/** Reserve the period of one factor in the ledger (a new entry, or a rejected one entered again). */
async function reserve(deps: BackfillDeps, input: BackfillInput, c: Checked, by: ActorRef, now: number): Promise<{ entry: BackfillEntry; gap?: string }> {
  const id = backfillId(input.mn, c.factor, input.kind, input.periodStart);
  const gid = gapId(input.mn, c.factor, input.kind, input.periodStart);
  const gap = await deps.ledgers.get(gid);
  const { item } = c;
  const fresh: BackfillEntry = {
    id, type: 'backfill', version: 0, state: 'submitted',
    enterpriseId: item.enterpriseId, siteId: item.siteId, pointId: item.pointId, mn: input.mn, factor: c.factor, kind: input.kind,
    periodStart: input.periodStart, periodEnd: input.periodStart + c.periodMs, values: c.values, reason: input.reason, by,
    gapId: gap ? gid : undefined, createdAt: now, updatedAt: now, history: [{ at: now, by, from: '', to: 'submitted', note: input.reason }],
  };
  const stored = (await deps.ledgers.create(fresh))
    ? fresh
    : await deps.ledgers.update<BackfillEntry>(id, (cur) =>
        cur.state === BACKFILL_RESUBMITTABLE ? { ...transition(cur, 'submitted', by, now, input.reason), values: c.values, reason: input.reason, by, review: undefined, gapId: fresh.gapId } : undefined,
      );
  if (!stored) throw new LedgerError('conflict', `period already back-filled (${id})`);
  return { entry: stored, gap: gap ? gid : undefined };
}

/** The anomaly rules on the values entered, with the item's earlier readings as context (constant runs). */
async function judgeManual(deps: BackfillDeps, c: Checked, entry: BackfillEntry): Promise<number> {
  const settings = { ...DEFAULT_CHECK_SETTINGS, ...deps.rules };
  const contextMs = 2 * (c.item.constantPeriods ?? settings.constantPeriods) * c.periodMs;
  const earlier = (await deps.readings.read(entry.mn, entry.kind, entry.periodStart - contextMs, entry.periodStart, c.factor)).filter(
    (r) => !r.rejected && inValidity(c.item, r.timeMs, r.timeMs + c.periodMs),
  );
  const row: ReadingRow = { factor: c.factor, timeMs: entry.periodStart, manual: true, values: c.values, flag: 'S', invalid: false, rejected: false };
  const findings = evaluateReading({ item: c.item, kind: entry.kind, periodMs: c.periodMs, row, earlier, settings });
  if (findings.length === 0) return 0;
  const registrations = await listAll(deps.ledgers, { type: 'registration', siteId: c.item.siteId, states: ['accepted'], from: entry.periodStart, to: entry.periodEnd });
  return recordFindings(deps, { item: c.item, cadence: { kind: entry.kind }, registrations }, findings);
}

/**
 * Enter the values of one period for one or more factors; refuses (before storing anything) values outside the
 * measuring range, periods holding collector data and periods already back-filled. The values go through the
 * anomaly rules like collector data. Resolves with one entry per factor, in the order given.
 * @param paths JSON pointers of each factor's values in the request, for field problems.
 */
export async function submitBackfills(deps: BackfillDeps, input: BackfillInput, by: ActorRef, paths: readonly string[] = []): Promise<BackfillEntry[]> {
  const checked = await checkAll(deps, input, paths);
  const now = deps.clock.now();
  // Reserve every period in the ledger first, so two concurrent entries cannot both write a value.
  const reserved: Array<{ entry: BackfillEntry; gap?: string }> = [];
  try {
    for (const c of checked) reserved.push(await reserve(deps, input, c, by, now));
  } catch (err) {
    for (const r of reserved) await deps.ledgers.update<BackfillEntry>(r.entry.id, (cur) => transition(cur, 'rejected', SYSTEM_ACTOR, deps.clock.now(), 'another factor of the same entry was refused'));
    throw err;
  }
  try {
    await deps.sink.write(reserved.map((r) => manualPoint(r.entry)));
  } catch (err) {
    for (const r of reserved) await deps.ledgers.update<BackfillEntry>(r.entry.id, (cur) => transition(cur, 'rejected', SYSTEM_ACTOR, deps.clock.now(), 'storing the values failed'));
    throw err;
  }
  for (const r of reserved) {
    if (!r.gap) continue;
    await deps.ledgers.update<GapEntry>(r.gap, (cur) =>
      GAP_MOVES_FROM['back-filled'].has(cur.state) ? { ...transition(cur, 'back-filled', by, now, input.reason), backfillId: r.entry.id, nextAttemptAt: undefined } : undefined,
    );
  }
  for (const [i, c] of checked.entries()) await judgeManual(deps, c, (reserved[i] as { entry: BackfillEntry }).entry);
  return reserved.map((r) => r.entry);
}

/** One factor of one period (the single-factor form of {@link submitBackfills}). */
export async function submitBackfill(deps: BackfillDeps, input: Omit<BackfillInput, 'factors'> & FactorValues, by: ActorRef): Promise<BackfillEntry> {
  const { factor, values, ...rest } = input;
  const [entry] = await submitBackfills(deps, { ...rest, factors: [{ factor, values }] }, by, ['/values']);
  return entry as BackfillEntry;
}

/** A rejected back-fill: its point is marked rejected in InfluxDB and its gap is open again. */
export async function undoBackfill(deps: Pick<BackfillDeps, 'ledgers' | 'sink' | 'clock'>, entry: BackfillEntry, by: ActorRef): Promise<void> {
  await deps.sink.write([manualPoint(entry, true)]);
  if (!entry.gapId) return;
  const now = deps.clock.now();
  await deps.ledgers.update<GapEntry>(entry.gapId, (cur) =>
    cur.state === 'back-filled' && cur.backfillId === entry.id ? transition(cur, 'open', by, now, `back-fill ${entry.id} rejected`) : undefined,
  );
}
