/**
 * Password masking for anything that stores or shows frame text (archive, dead letters, pending samples, logs).
 * The access password travels in clear in every frame header (HJ212-2017 6.3.2 `PW=`), and a new one in the CP of
 * the set-password command (HJ212-2017 6.6.1 CN 1072 `NewPW=`); both become `***`.
 */

// A `PW` / `NewPW` key at the start or after a separator, in any letter case; the value runs to the next separator.
const PASSWORD = /(^|[^A-Za-z0-9])((?:new)?pw=)[^;,&\r\n]*/gi;
const HINT = /pw=/i;

/** `text` with every `PW=…` and `NewPW=…` value replaced by `***`. Text without one is returned as is. */
export function maskPassword(text: string): string {
  if (!HINT.test(text)) return text;
  return text.replace(PASSWORD, '$1$2***');
}

const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
/** The byte before `at` is absent or not an ASCII letter or digit (the `(^|[^A-Za-z0-9])` of PASSWORD). */
const boundary = (bytes: Uint8Array, at: number): boolean => at === 0 || !isAlnum(bytes[at - 1] as number);
/** `;` `,` `&` CR LF end a password value. */
const ends = (c: number): boolean => c === 0x3b || c === 0x2c || c === 0x26 || c === 0x0d || c === 0x0a;
const STARS = [0x2a, 0x2a, 0x2a];

/**
 * {@link maskPassword} over bytes, for frames kept as bytes (the raw archive): the same matches as the text version
 * over the bytes read as latin1, without building the text. Returns `bytes` itself when it holds no password.
 */
export function maskPasswordBytes(bytes: Uint8Array): Uint8Array {
  const cuts: number[] = [];
  for (let i = 2; i < bytes.length; i++) {
    // `pw=` in any letter case: 'P' and 'p' are the only bytes that or 0x20 to 'p' (0x70), likewise for 'w'.
    if (bytes[i] !== 0x3d || ((bytes[i - 1] as number) | 0x20) !== 0x77 || ((bytes[i - 2] as number) | 0x20) !== 0x70) continue;
    const key = i - 2;
    const newPw = key >= 3 && ((bytes[key - 3] as number) | 0x20) === 0x6e && ((bytes[key - 2] as number) | 0x20) === 0x65 && ((bytes[key - 1] as number) | 0x20) === 0x77;
    if (!boundary(bytes, key) && !(newPw && boundary(bytes, key - 3))) continue;
    let end = i + 1;
    while (end < bytes.length && !ends(bytes[end] as number)) end++;
    cuts.push(i + 1, end);
    i = end;
  }
  if (cuts.length === 0) return bytes;
  let length = bytes.length;
  for (let k = 0; k < cuts.length; k += 2) length += STARS.length - ((cuts[k + 1] as number) - (cuts[k] as number));
  const out = new Uint8Array(length);
  let from = 0;
  let to = 0;
  for (let k = 0; k < cuts.length; k += 2) {
    const start = cuts[k] as number;
    out.set(bytes.subarray(from, start), to);
    to += start - from;
    out.set(STARS, to);
    to += STARS.length;
    from = cuts[k + 1] as number;
  }
  out.set(bytes.subarray(from), to);
  return out;
}
