/**
 * Manual back-fill (数据录入): an enterprise user enters the values of one missing period with a reason. They are
 * stored in InfluxDB in the data kind's measurement with tag source=manual and data flag S (HJ212-2017 data flag
 * "S: manually entered value"), beside the collector's series and never over it: a period that holds a collector
 * reading is refused. The ledger keeps who, when and why; a regulator accepts or rejects it.
 */
import type { Clock } from '../../domain/clock.js';
import { LedgerError, type ActorRef, type BackfillEntry, type CheckItem, type CheckKind, type GapEntry, type ItemSource, type LedgerStore, type ReadingReader } from '../../domain/ledgers.js';
import type { Point } from '../../domain/point.js';
import type { ReadingSink } from '../../domain/ports.js';
import type { NumericField } from '../../domain/readings.js';
import { backfillId, gapId, SYSTEM_ACTOR, transition } from './entries.js';
import { periodStartOf } from './periods.js';

export interface BackfillDeps {
  ledgers: LedgerStore;
  readings: ReadingReader;
  /** Where manual points are written (the InfluxDB writer). */
  sink: Pick<ReadingSink, 'write'>;
  items: ItemSource;
  clock: Clock;
}

export interface BackfillInput {
  mn: string;
  factor: string;
  kind: CheckKind;
  periodStart: number;
  values: Partial<Record<NumericField, number>>;
  reason: string;
}

/** Tag marking manual points (the gateway's points have no `source` tag). */
export const MANUAL_TAG = { source: 'manual' } as const;

/** Wire suffixes of the numeric fields, for the verbatim `raw` group (src/server/points.ts keeps the same). */
const WIRE: Readonly<Record<NumericField, string>> = {
  rtd: 'Rtd', min: 'Min', avg: 'Avg', max: 'Max', zs_rtd: 'ZsRtd', zs_min: 'ZsMin', zs_avg: 'ZsAvg', zs_max: 'ZsMax', cou: 'Cou', rs: 'RS', rt: 'RT',
};

/** The InfluxDB point of a back-fill; `rejected` re-writes the same point (same series and time) marked rejected. */
export function manualPoint(entry: Pick<BackfillEntry, 'mn' | 'factor' | 'kind' | 'periodStart' | 'values'>, rejected = false): Point {
  const fields: Point['fields'] = {};
  const raw: string[] = [];
  for (const [field, value] of Object.entries(entry.values) as Array<[NumericField, number]>) {
    fields[field] = value;
    raw.push(`${WIRE[field]}=${value}`);
  }
  fields.flag = 'S';
  fields.raw = [...raw, 'Flag=S'].join(',');
  // Always written: a back-fill entered again after a rejection re-writes the same point, and InfluxDB keeps any
  // field the new write leaves out, so `rejected` must be set back to false explicitly.
  fields.rejected = rejected;
  return { measurement: entry.kind, tags: { mn: entry.mn, factor: entry.factor, ...MANUAL_TAG }, fields, timeMs: entry.periodStart };
}

async function itemFor(deps: BackfillDeps, input: BackfillInput): Promise<{ item: CheckItem; periodMs: number }> {
  const item = (await deps.items.itemsOf(input.mn)).find((i) => i.factor === input.factor && i.enabled);
  if (!item) throw new LedgerError('not-found', `collector ${input.mn} has no enabled item ${input.factor}`);
  const cadence = item.cadences.find((c) => c.kind === input.kind);
  if (!cadence) throw new LedgerError('invalid-input', `item ${input.factor} expects no ${input.kind} data`);
  if (periodStartOf(input.periodStart, cadence.periodMs, item.timeZone) !== input.periodStart) throw new LedgerError('invalid-input', 'periodStart is not the start of a period');
  if (input.periodStart + cadence.periodMs > deps.clock.now()) throw new LedgerError('invalid-input', 'the period has not ended yet');
  if (Object.keys(input.values).length === 0) throw new LedgerError('invalid-input', 'no values');
  return { item, periodMs: cadence.periodMs };
}

/** Enter the values of one period; refuses periods holding collector data and periods already back-filled. */
export async function submitBackfill(deps: BackfillDeps, input: BackfillInput, by: ActorRef): Promise<BackfillEntry> {
  const { item, periodMs } = await itemFor(deps, input);
  const end = input.periodStart + periodMs;
  const existing = await deps.readings.read(input.mn, input.kind, input.periodStart, end, input.factor);
  if (existing.some((r) => !r.manual)) throw new LedgerError('conflict', 'the collector has a reading for this period; manual values never replace collector data');
  const now = deps.clock.now();
  const id = backfillId(input.mn, input.factor, input.kind, input.periodStart);
  const gid = gapId(input.mn, input.factor, input.kind, input.periodStart);
  const gap = await deps.ledgers.get(gid);
  const fresh: BackfillEntry = {
    id, type: 'backfill', version: 0, state: 'submitted',
    enterpriseId: item.enterpriseId, siteId: item.siteId, pointId: item.pointId, mn: input.mn, factor: input.factor, kind: input.kind,
    periodStart: input.periodStart, periodEnd: end, values: input.values, reason: input.reason, by,
    gapId: gap ? gid : undefined, createdAt: now, updatedAt: now, history: [{ at: now, by, from: '', to: 'submitted', note: input.reason }],
  };
  // Reserve the period in the ledger first, so two concurrent entries cannot both write a value.
  const stored = (await deps.ledgers.create(fresh))
    ? fresh
    : await deps.ledgers.update<BackfillEntry>(id, (cur) =>
        cur.state === 'rejected' ? { ...transition(cur, 'submitted', by, now, input.reason), values: input.values, reason: input.reason, by, review: undefined, gapId: fresh.gapId } : undefined,
      );
  if (!stored) throw new LedgerError('conflict', `period already back-filled (${id})`);
  try {
    await deps.sink.write([manualPoint(stored)]);
  } catch (err) {
    await deps.ledgers.update<BackfillEntry>(id, (cur) => transition(cur, 'rejected', SYSTEM_ACTOR, deps.clock.now(), 'storing the values failed'));
    throw err;
  }
  if (gap) {
    await deps.ledgers.update<GapEntry>(gid, (cur) =>
      ['open', 'repull-requested', 'explained'].includes(cur.state) ? { ...transition(cur, 'back-filled', by, now, input.reason), backfillId: id, nextAttemptAt: undefined } : undefined,
    );
  }
  return stored;
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
