/**
 * Flag rules: `flag` (a data flag other than N, HJ212-2017 table 11: F stopped, M maintenance, S manual, D fault,
 * C calibration, T over the measuring upper limit, B communication abnormal) and `eflag` (an extended flag).
 */
import { DATA_FLAGS } from '../../../protocol/index.js';
import type { At, Finding, RuleInput } from './rule-input.js';

export function flagFindings(input: RuleInput, at: At): Finding[] {
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

