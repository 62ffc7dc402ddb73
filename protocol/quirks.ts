/**
 * Per-collector deviations from the frame rules that real collectors show and an operator may accept on purpose:
 * how the length field relates to the data segment, and which characters an MN may hold (HJ212-2017 6.1: the length
 * field counts the data segment's bytes; 6.3.2 table 5: the MN). Lenient parsing only; strict mode never applies them.
 */
import { isAlnum } from './char-codes.js';

/**
 * How a collector's length field relates to its data segment:
 * - `exact`: the length field is the data segment's byte count (HJ212-2017 6.1), the only strict reading;
 * - `offset:<n>`: the length field is the byte count plus `n` (-99..99, not 0), e.g. `offset:6` for clients that
 *   count the `##` and length digits too (a widely copied Python client writes `len + 6`);
 * - `trust-crlf`: any length field, as long as the frame ends with CRC + CR LF and the CRC verifies.
 */
export type LengthPolicy = 'exact' | 'trust-crlf' | `offset:${number}`;

/** Characters an MN may hold: `alnum` letters and digits (HJ212-2017 6.3.2), `extended` also `_` and `-`. */
export type MnCharset = 'alnum' | 'extended';

export const MN_CHARSETS: readonly MnCharset[] = ['alnum', 'extended'];

const OFFSET = /^offset:(-?[1-9]\d?)$/;

/** True when `value` is a well-formed {@link LengthPolicy}. */
export function isLengthPolicy(value: string): value is LengthPolicy {
  return value === 'exact' || value === 'trust-crlf' || OFFSET.test(value);
}

/**
 * True when `policy` accepts a frame whose length field minus its data segment's byte count is `offset`
 * (0 for a correct length field).
 */
export function lengthPolicyAccepts(policy: LengthPolicy, offset: number): boolean {
  if (policy === 'trust-crlf') return true;
  if (policy === 'exact') return offset === 0;
  return offset === Number(policy.slice(7));
}

/** Alphabet check of an MN: 0 = letters and digits only, 1 = also `_` / `-`, -1 = anything else or empty. */
export function mnAlphabet(mn: string): -1 | 0 | 1 {
  let extended: 0 | 1 = 0;
  for (let i = 0; i < mn.length; i++) {
    const c = mn.charCodeAt(i);
    if (isAlnum(c)) continue;
    if (c === 0x5f || c === 0x2d) extended = 1;
    else return -1;
  }
  return mn.length === 0 ? -1 : extended;
}
