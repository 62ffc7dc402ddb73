/** Impossible-value rules: `negative` (for factors that cannot be negative) and `impossible` (not a number, min > max, avg outside min..max). */
import type { At, Finding, RuleInput } from './rule-input.js';

export function impossibleFindings(input: RuleInput, at: At): Finding[] {
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

