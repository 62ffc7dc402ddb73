/**
 * Password masking for anything that stores or shows frame text (archive, dead letters, pending samples, logs).
 * The access password travels in clear in every frame header (HJ212-2017 6.3.2 `PW=`), and a new one in the CP of
 * the set-password command (HJ212-2017 6.6.1 CN 1072 `NewPW=`); both become `***`.
 */

import { isAlnum } from './char-codes.js';
import { indexOfByte, newBytes } from './runtime.js';

// A `PW` / `NewPW` key at the start or after a separator, in any letter case; the value runs to the next separator.
const PASSWORD = /(^|[^A-Za-z0-9])((?:new)?pw=)[^;,&\r\n]*/gi;
const HINT = /pw=/i;

/** `text` with every `PW=…` and `NewPW=…` value replaced by `***`. Text without one is returned as is. */
export function maskPassword(text: string): string {
  if (!HINT.test(text)) return text;
  return text.replace(PASSWORD, '$1$2***');
}

/** The byte before `at` is absent or not an ASCII letter or digit (the `(^|[^A-Za-z0-9])` of PASSWORD). */
const boundary = (bytes: Uint8Array, at: number): boolean => at === 0 || !isAlnum(bytes[at - 1] as number);
/** `;` `,` `&` CR LF end a password value. */
const ends = (c: number): boolean => c === 0x3b || c === 0x2c || c === 0x26 || c === 0x0d || c === 0x0a;
/** `***` replaces each value, written byte by byte (`set` from an Array takes a slow generic path). */
const STAR = 0x2a;
const STARS = 3;

/** Cut positions of the running call (value start, value end, …): masking runs synchronously, the array is reused. */
let cuts = new Int32Array(16);

/**
 * {@link maskPassword} over bytes, for frames kept as bytes (the raw archive): the same matches as the text version
 * over the bytes read as latin1, without building the text. Returns `bytes` itself when it holds no password.
 */
export function maskPasswordBytes(bytes: Uint8Array): Uint8Array {
  let count = 0;
  let done = 0;
  // The `=` of every `pw=` (any letter case), in order, found from its rare `W`/`w` with the runtime's byte search:
  // the next of each letter is kept and the nearer one taken.
  let upper = indexOfByte(bytes, 0x57, 1);
  let lower = indexOfByte(bytes, 0x77, 1);
  while (upper >= 0 || lower >= 0) {
    let at: number;
    if (lower < 0 || (upper >= 0 && upper < lower)) {
      at = upper;
      upper = indexOfByte(bytes, 0x57, at + 1);
    } else {
      at = lower;
      lower = indexOfByte(bytes, 0x77, at + 1);
    }
    const i = at + 1;
    // Inside a value already masked (`PW=xPW=y` is one value), as the regular expression resumes after its match.
    if (i >= bytes.length || i < done || bytes[i] !== 0x3d || ((bytes[at - 1] as number) | 0x20) !== 0x70) continue;
    const key = i - 2;
    const newPw = key >= 3 && ((bytes[key - 3] as number) | 0x20) === 0x6e && ((bytes[key - 2] as number) | 0x20) === 0x65 && ((bytes[key - 1] as number) | 0x20) === 0x77;
    if (!boundary(bytes, key) && !(newPw && boundary(bytes, key - 3))) continue;
    let end = i + 1;
    while (end < bytes.length && !ends(bytes[end] as number)) end++;
    if (count + 2 > cuts.length) {
      const bigger = new Int32Array(cuts.length * 2);
      bigger.set(cuts);
      cuts = bigger;
    }
    cuts[count++] = i + 1;
    cuts[count++] = end;
    done = end;
  }
  if (count === 0) return bytes;
  let length = bytes.length;
  for (let k = 0; k < count; k += 2) length += STARS - ((cuts[k + 1] as number) - (cuts[k] as number));
  const out = newBytes(length);
  let from = 0;
  let to = 0;
  for (let k = 0; k < count; k += 2) {
    const start = cuts[k] as number;
    out.set(bytes.subarray(from, start), to);
    to += start - from;
    for (let s = 0; s < STARS; s++) out[to++] = STAR;
    from = cuts[k + 1] as number;
  }
  out.set(bytes.subarray(from), to);
  return out;
}
