/**
 * Anomaly rules on one reading (pure functions). Each finding carries its evidence: values, limits, periods.
 * Data flags: HJ212-2017 table 11 (N normal, F stopped, M maintenance, S manual, D fault, C calibration, T over the
 * measuring upper limit, B communication abnormal).
 */
import { DATA_FLAGS } from '../../../protocol/index.js';
import type { AnomalyRule, CheckItem, CheckKind, Evidence, Limits, ReadingRow } from '../../domain/ledgers.js';
import type { NumericField } from '../../domain/readings.js';
import type { CheckSettings } from './settings.js';

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

/** The value a reading stands for: Rtd for realtime data, Avg for interval data. */
export function primaryValue(kind: CheckKind, row: ReadingRow): number | undefined {
  return kind === 'realtime' ? row.values.rtd : row.values.avg;
}

/** The value compared with the emission standard: the 折算 one when sent (HJ 75-2017: limits apply to converted concentrations). */
function standardValue(kind: CheckKind, row: ReadingRow): { field: NumericField; value: number } | undefined {
  const [zs, plain]: [NumericField, NumericField] = kind === 'realtime' ? ['zs_rtd', 'rtd'] : ['zs_avg', 'avg'];
  const zsValue = row.values[zs];
  if (zsValue !== undefined) return { field: zs, value: zsValue };
  const v = row.values[plain];
  return v === undefined ? undefined : { field: plain, value: v };
}

function outside(value: number, limits: Limits): boolean {
  return (limits.lower !== undefined && value < limits.lower) || (limits.upper !== undefined && value > limits.upper);
}

function limitFindings(input: RuleInput, at: (rule: AnomalyRule, evidence: Evidence) => Finding): Finding[] {
  const { item, kind, row } = input;
  const out: Finding[] = [];
  const std = standardValue(kind, row);
  if (item.standard && std && outside(std.value, item.standard)) {
    out.push(at('over-standard', { values: { [std.field]: std.value }, limits: item.standard, detail: `${std.field} ${std.value} outside the standard limits` }));
  }
  if (item.range) {
    const measured = (['rtd', 'min', 'avg', 'max'] as const).filter((f) => row.values[f] !== undefined && outside(row.values[f] as number, item.range as Limits));
    if (measured.length > 0) {
      const values = Object.fromEntries(measured.map((f) => [f, row.values[f] as number]));
      out.push(at('out-of-range', { values, limits: item.range, detail: `${measured.join(', ')} outside the analyser range` }));
    }
  }
  return out;
}

function flagFindings(input: RuleInput, at: (rule: AnomalyRule, evidence: Evidence) => Finding): Finding[] {
  const { row } = input;
  const out: Finding[] = [];
  // A back-fill carries flag S (manually entered) by definition: that alone is no anomaly.
  if (row.flag !== undefined && row.flag !== 'N' && !(row.manual && row.flag === 'S')) {
    out.push(at('flag', { values: { flag: row.flag }, detail: `data flag ${row.flag}: ${(DATA_FLAGS as Record<string, string>)[row.flag] ?? 'not in the flag table'}` }));
  }
  // EFlag is instrument-defined (HJ212-2017 6.6.3 table 7); anything but empty or N is reported as sent.
  if (row.eflag !== undefined && row.eflag !== '' && row.eflag !== 'N') {
    out.push(at('eflag', { values: { eflag: row.eflag }, detail: `extended flag ${row.eflag}` }));
  }
  return out;
}

function impossibleFindings(input: RuleInput, at: (rule: AnomalyRule, evidence: Evidence) => Finding): Finding[] {
  const { row, item } = input;
  const out: Finding[] = [];
  const negatives = Object.entries(row.values).filter(([, v]) => v < 0);
  if (!item.allowNegative && negatives.length > 0) {
    out.push(at('negative', { values: Object.fromEntries(negatives), detail: `negative ${negatives.map(([f]) => f).join(', ')}` }));
  }
  const { min, avg, max } = row.values;
  const problems: string[] = [];
  if (row.invalid) problems.push('a value is not a number');
  if (min !== undefined && max !== undefined && min > max) problems.push('min above max');
  if (avg !== undefined && min !== undefined && avg < min) problems.push('avg below min');
  if (avg !== undefined && max !== undefined && avg > max) problems.push('avg above max');
  if (problems.length > 0) {
    const values: Record<string, number> = {};
    for (const [f, v] of Object.entries({ min, avg, max })) if (v !== undefined) values[f] = v;
    out.push(at('impossible', { values, detail: problems.join('; ') }));
  }
  return out;
}

/** The run of identical primary values ending at the reading, over consecutive periods. */
function constantFinding(input: RuleInput): Finding | undefined {
  const { kind, row, earlier, periodMs, item, settings } = input;
  const need = item.constantPeriods ?? settings.constantPeriods;
  const value = primaryValue(kind, row);
  if (value === undefined || need < 2) return undefined;
  let start = row.timeMs;
  for (let i = earlier.length - 1; i >= 0; i--) {
    const prev = earlier[i] as ReadingRow;
    if (prev.timeMs >= start) continue;
    if (start - prev.timeMs !== periodMs || primaryValue(kind, prev) !== value) break;
    start = prev.timeMs;
  }
  const periods = (row.timeMs - start) / periodMs + 1;
  if (periods < need) return undefined;
  return {
    rule: 'constant',
    periodStart: start,
    periodEnd: row.timeMs + periodMs,
    evidence: { values: { value }, periods, detail: `same value ${value} for ${periods} consecutive periods (threshold ${need})` },
  };
}

function relativelyDifferent(a: number, b: number, tolerance: number): boolean {
  return Math.abs(a - b) > tolerance * Math.max(Math.abs(a), Math.abs(b), 1e-9);
}

/** Hour (day) average against its minute (hour) averages, and Cou against the sum of the sub-periods' Cou. */
function consistencyFindings(input: RuleInput, at: (rule: AnomalyRule, evidence: Evidence) => Finding): Finding[] {
  const { sub, row, periodMs, settings } = input;
  if (!sub || (input.kind !== 'hour' && input.kind !== 'day')) return [];
  const expected = Math.round(periodMs / sub.periodMs);
  const out: Finding[] = [];
  const avgs = sub.rows.map((r) => r.values.avg).filter((v): v is number => v !== undefined);
  const avg = row.values.avg;
  if (avg !== undefined && avgs.length >= settings.minCoverage * expected && avgs.length > 0) {
    const mean = avgs.reduce((a, b) => a + b, 0) / avgs.length;
    if (relativelyDifferent(avg, mean, settings.averageTolerance)) {
      out.push(at('hour-vs-minute', { values: { avg, subMean: Number(mean.toFixed(6)) }, periods: avgs.length, detail: `avg ${avg} differs from the mean ${mean.toFixed(4)} of ${avgs.length} sub-periods` }));
    }
  }
  const cous = sub.rows.map((r) => r.values.cou).filter((v): v is number => v !== undefined);
  const cou = row.values.cou;
  // Cou sums only add up when every sub-period is there.
  if (cou !== undefined && cous.length === expected) {
    const sum = cous.reduce((a, b) => a + b, 0);
    if (relativelyDifferent(cou, sum, settings.couTolerance)) {
      out.push(at('cou-sum', { values: { cou, subSum: Number(sum.toFixed(6)) }, periods: cous.length, detail: `cou ${cou} differs from the sum ${sum.toFixed(4)} of ${cous.length} sub-periods` }));
    }
  }
  return out;
}

/**
 * Every finding for one reading. Collector readings are judged by the check jobs; manual back-fills by the same rules
 * when they are entered (src/queue/workers/backfill.ts), except that their flag S is expected.
 */
export function evaluateReading(input: RuleInput): Finding[] {
  const periodStart = input.row.timeMs;
  const at = (rule: AnomalyRule, evidence: Evidence): Finding => ({ rule, periodStart, periodEnd: periodStart + input.periodMs, evidence });
  const findings = [...limitFindings(input, at), ...flagFindings(input, at), ...impossibleFindings(input, at), ...consistencyFindings(input, at)];
  const constant = constantFinding(input);
  if (constant) findings.push(constant);
  return findings;
}
