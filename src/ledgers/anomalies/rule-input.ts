/** What every anomaly rule sees and returns (src/ledgers/anomaly-rules.ts runs them all on one reading). */
import type { AnomalyRule, CheckItem, CheckKind, Evidence, ReadingRow } from '../../domain/ledgers.js';
import type { CheckSettings } from '../check-settings.js';

/** One anomaly found; `periodStart` differs from the reading's only for runs of constant values. */
export interface Finding {
  rule: AnomalyRule;
  periodStart: number;
  periodEnd: number;
  evidence: Evidence;
}

/** What a rule sees: the reading, its item and period, earlier readings of the factor and the finer data of its period. */
export interface RuleInput {
  item: CheckItem;
  kind: CheckKind;
  periodMs: number;
  row: ReadingRow;
  /** Earlier collector readings of the same factor and kind, oldest first. */
  earlier: readonly ReadingRow[];
  /** Collector readings of the same factor inside the period at the finer cadence (minute for hour, hour for day). */
  sub?: { rows: readonly ReadingRow[]; periodMs: number };
  settings: Pick<CheckSettings, 'constantPeriods' | 'averageTolerance' | 'couTolerance' | 'minCoverage'>;
}

/** Builds a finding for the reading's own period. */
export type At = (rule: AnomalyRule, evidence: Evidence) => Finding;

/** The value a reading stands for: Rtd for realtime data, Avg for interval data. */
export function primaryValue(kind: CheckKind, row: ReadingRow): number | undefined {
  return kind === 'realtime' ? row.values.rtd : row.values.avg;
}

