/**
 * Consistency rules of hour and day data with their finer data: `hour-vs-minute` (an average against the mean of the
 * sub-periods' averages) and `cou-sum` (a Cou against the sum of the sub-periods' Cou).
 */
import type { At, Finding, RuleInput } from './rule-input.js';

function relativelyDifferent(a: number, b: number, tolerance: number): boolean {
  return Math.abs(a - b) > tolerance * Math.max(Math.abs(a), Math.abs(b), 1e-9);
}

/** Hour (day) average against its minute (hour) averages, and Cou against the sum of the sub-periods' Cou. */
export function consistencyFindings(input: RuleInput, at: At): Finding[] {
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

