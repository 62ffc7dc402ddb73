/** The `constant` rule: the same primary value over too many consecutive periods (the item's or the default threshold). */
import type { ReadingRow } from '../../domain/ledgers.js';
import { primaryValue, type Finding, type RuleInput } from './rule-input.js';

/** The run of identical primary values ending at the reading, over consecutive periods. */
export function constantFinding(input: RuleInput): Finding | undefined {
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

