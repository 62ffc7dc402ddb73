/** Factor lookups by 2017 or 2005 code over the generated table (protocol/factor-table.ts, docs/protocol.md §7). */
import { FACTORS, type Factor } from './factor-table.js';

export { FACTORS, type Factor };

const byCode = new Map<string, Factor>();
for (const f of FACTORS) {
  byCode.set(f.code2017, f);
  if (f.code2005 !== undefined) byCode.set(f.code2005, f);
}

/** The factor with this 2017 or 2005 code (real 2005-era frames mix both, docs/protocol.md §7). */
export function lookupFactor(code: string): Factor | undefined {
  return byCode.get(code);
}

/** The 2017 code of a 2005 code (or of a 2017 code, itself); undefined when unknown. */
export function toCode2017(code: string): string | undefined {
  return byCode.get(code)?.code2017;
}

/** The 2005 code of a 2017 code (or of a 2005 code, itself); undefined when none exists. */
export function toCode2005(code: string): string | undefined {
  return byCode.get(code)?.code2005;
}
