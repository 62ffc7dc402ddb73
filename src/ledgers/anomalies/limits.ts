/**
 * Limit rules: `over-standard` (the value, 折算 when sent, outside the emission standard) and `out-of-range`
 * (a measured value outside the analyser's measuring range, 量程).
 */
import type { CheckKind, Limits, ReadingRow } from '../../domain/ledgers.js';
import type { NumericField } from '../../domain/readings.js';
import type { At, Finding, RuleInput } from './rule-input.js';

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

export function limitFindings(input: RuleInput, at: At): Finding[] {
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

