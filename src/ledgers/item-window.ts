/**
 * Judging one monitoring item over one window of periods: anomalies of the collector readings in the window and,
 * for windows that are due, the periods without a reading (gaps). Accepted registrations suppress both.
 * Entries are created by deterministic id, so running a window twice changes nothing.
 */
import { GAP_MOVES_FROM, type Cadence, type CheckItem, type CheckKind, type GapEntry, type ReadingRow, type RegistrationEntry } from '../domain/ledgers.js';
import { evaluateReading, type Finding } from './anomaly-rules.js';
import type { CheckDeps, ScanCounts } from './check-deps.js';
import { covers, newAnomaly, newGap, SYSTEM_ACTOR, transition } from './entries.js';
import { periodStartOf, periodStarts } from './periods.js';
import { inValidity } from './validity.js';

/** Finer cadence whose data an average and a Cou are compared with. */
export const SUB_KIND: Readonly<Partial<Record<CheckKind, CheckKind>>> = { hour: 'minute', day: 'hour' };

/** Readings of one collector and kind loaded for a window, plus the finer kind's when there is one. */
export interface KindData {
  rows: readonly ReadingRow[];
  sub?: { rows: readonly ReadingRow[]; periodMs: number };
}

export interface WindowJob {
  item: CheckItem;
  cadence: Cadence;
  fromMs: number;
  toMs: number;
  /** Create gap entries for periods without a reading (only for windows whose periods are all due). */
  detectGaps: boolean;
  registrations: readonly RegistrationEntry[];
}

/** Periods of the item's cadence before this many periods are loaded as context (runs of constant values). */
export function contextPeriods(item: CheckItem, settings: CheckDeps['settings']): number {
  return 2 * (item.constantPeriods ?? settings.constantPeriods);
}

/** Collector readings of one factor (manual back-fills are not collector data). */
export function collectorRows(rows: readonly ReadingRow[], factor: string): ReadingRow[] {
  return rows.filter((r) => r.factor === factor && !r.manual);
}

/** Anomaly entries for findings outside accepted registrations; a constant run already recorded grows. */
export async function recordFindings(
  deps: Pick<CheckDeps, 'ledgers' | 'clock'>,
  job: Pick<WindowJob, 'item' | 'registrations'> & { cadence: Pick<Cadence, 'kind'> },
  findings: readonly Finding[],
): Promise<number> {
  let created = 0;
  const now = deps.clock.now();
  for (const f of findings) {
    if (job.registrations.some((r) => covers(r, job.item, f.periodStart, f.periodEnd))) continue;
    const entry = newAnomaly(job.item, job.cadence.kind, f, now);
    if (await deps.ledgers.create(entry)) {
      created++;
    } else if (f.rule === 'constant') {
      // The run goes on: extend its evidence while nobody has answered it yet.
      await deps.ledgers.update(entry.id, (cur) =>
        cur.type === 'anomaly' && cur.state === 'open' && cur.periodEnd < f.periodEnd ? { ...cur, periodEnd: f.periodEnd, evidence: f.evidence, updatedAt: now } : undefined,
      );
    }
  }
  return created;
}

async function anomaliesIn(deps: CheckDeps, job: WindowJob, data: KindData): Promise<number> {
  const { item, cadence } = job;
  // Readings outside the validity window are neither judged nor context (a constant run starts at startAt at the
  // earliest); a reading counts when its whole period is inside, as for gaps.
  const rows = collectorRows(data.rows, item.factor).filter((r) => inValidity(item, r.timeMs, r.timeMs + cadence.periodMs));
  const subRows = data.sub ? collectorRows(data.sub.rows, item.factor) : [];
  const findings: Finding[] = [];
  rows.forEach((row, i) => {
    if (row.timeMs < job.fromMs || row.timeMs >= job.toMs) return;
    const end = row.timeMs + cadence.periodMs;
    const sub = data.sub ? { rows: subRows.filter((r) => r.timeMs >= row.timeMs && r.timeMs < end), periodMs: data.sub.periodMs } : undefined;
    findings.push(...evaluateReading({ item, kind: cadence.kind, periodMs: cadence.periodMs, row, earlier: rows.slice(0, i), sub, settings: deps.settings }));
  });
  return recordFindings(deps, job, findings);
}

async function gapsIn(deps: CheckDeps, job: WindowJob, data: KindData): Promise<number> {
  const { item, cadence } = job;
  const received = new Set(collectorRows(data.rows, item.factor).map((r) => periodStartOf(r.timeMs, cadence.periodMs, item.timeZone)));
  const now = deps.clock.now();
  let created = 0;
  for (const start of periodStarts(job.fromMs, job.toMs, cadence.periodMs, item.timeZone)) {
    const end = start + cadence.periodMs;
    if (received.has(start) || !inValidity(item, start, end)) continue;
    if (job.registrations.some((r) => covers(r, item, start, end))) continue;
    if (await deps.ledgers.create(newGap(item, cadence, start, now))) created++;
  }
  return created;
}

/** Gaps only (no anomaly rules) of one item over one window, e.g. the unscanned periods before late readings. */
export async function judgeGapsOnly(deps: CheckDeps, job: Omit<WindowJob, 'detectGaps'>, rows: readonly ReadingRow[]): Promise<number> {
  return gapsIn(deps, { ...job, detectGaps: true }, { rows });
}

/** Anomalies (and, when asked, gaps) of one item over one window. */
export async function judgeWindow(deps: CheckDeps, job: WindowJob, data: KindData): Promise<ScanCounts> {
  const anomaliesCreated = await anomaliesIn(deps, job, data);
  const gapsCreated = job.detectGaps ? await gapsIn(deps, job, data) : 0;
  return { gapsCreated, gapsClosed: 0, anomaliesCreated };
}

/** Gaps whose period now holds a collector reading become filled-by-collector. */
export async function closeFilledGaps(deps: CheckDeps, gaps: readonly GapEntry[], rows: readonly ReadingRow[], note: string): Promise<number> {
  let closed = 0;
  const now = deps.clock.now();
  for (const gap of gaps) {
    const filled = rows.some((r) => !r.manual && r.factor === gap.factor && r.timeMs >= gap.periodStart && r.timeMs < gap.periodEnd);
    if (!filled) continue;
    const updated = await deps.ledgers.update<GapEntry>(gap.id, (cur) =>
      GAP_MOVES_FROM['filled-by-collector'].has(cur.state) ? { ...transition(cur, 'filled-by-collector', SYSTEM_ACTOR, now, note), nextAttemptAt: undefined } : undefined,
    );
    if (updated) closed++;
  }
  return closed;
}
