/**
 * Anomaly rules on one reading (pure functions), one file per rule family under src/ledgers/anomalies/:
 *   limits.ts                  over-standard, out-of-range
 *   flags.ts                   flag, eflag (HJ212-2017 table 11)
 *   impossible-values.ts       negative, impossible
 *   constant-values.ts         constant
 *   sub-period-consistency.ts  hour-vs-minute, cou-sum
 * Each finding carries its evidence: values, limits, periods.
 */
import type { AnomalyRule, Evidence } from '../domain/ledgers.js';
import { constantFinding } from './anomalies/constant-values.js';
import { flagFindings } from './anomalies/flags.js';
import { impossibleFindings } from './anomalies/impossible-values.js';
import { limitFindings } from './anomalies/limits.js';
import type { Finding, RuleInput } from './anomalies/rule-input.js';
import { consistencyFindings } from './anomalies/sub-period-consistency.js';

export type { Finding, RuleInput } from './anomalies/rule-input.js';

/**
 * Every finding for one reading. Collector readings are judged by the check jobs; manual back-fills by the same rules
 * when they are entered (src/ledgers/backfills.ts), except that their flag S is expected.
 */
export function evaluateReading(input: RuleInput): Finding[] {
  const periodStart = input.row.timeMs;
  const at = (rule: AnomalyRule, evidence: Evidence): Finding => ({ rule, periodStart, periodEnd: periodStart + input.periodMs, evidence });
  const findings = [...limitFindings(input, at), ...flagFindings(input, at), ...impossibleFindings(input, at), ...consistencyFindings(input, at)];
  const constant = constantFinding(input);
  if (constant) findings.push(constant);
  return findings;
}
