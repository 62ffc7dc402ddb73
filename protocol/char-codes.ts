/**
 * The parser scans character codes, not strings: `codes[base + i]` is `text.charCodeAt(i)` of the data segment's
 * text. For an ASCII data segment (nearly every frame) the codes are the frame's own bytes, so the scan reads the
 * bytes it was handed (a typed-array read is about twice as fast as `charCodeAt`) and strings are cut out of the
 * decoded text only for what the result holds. Other text (GBK, UTF-8 beyond ASCII) is scanned as UTF-16 code units.
 */

/** Character codes of a text: the frame's bytes (ASCII) or the decoded text's UTF-16 code units. */
export type CharCodes = Uint8Array | Uint16Array;

/** The UTF-16 code units of `text`. */
export function charCodesOf(text: string): Uint16Array {
  const codes = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  return codes;
}

/** `c` is an ASCII digit. */
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** `c` is an ASCII letter or digit (`[A-Za-z0-9]`). */
export function isAlnum(c: number): boolean {
  const l = c | 0x20;
  return isDigit(c) || (l >= 0x61 && l <= 0x7a);
}

/**
 * Where `[+-]digits[.digits]` (the number syntax of the corpus, docs/protocol.md §5) starting at `codes[start]` ends
 * (at most `end`), or -1 when none starts there. The value is a number when this is where the value ends.
 */
export function numberEnd(codes: ArrayLike<number>, start: number, end: number): number {
  let i = start;
  const c0 = codes[i];
  if (i < end && (c0 === 0x2b || c0 === 0x2d)) i++;
  const intStart = i;
  while (i < end && isDigit(codes[i]!)) i++;
  if (i === intStart) return -1;
  if (i === end || codes[i] !== 0x2e) return i;
  const fracStart = ++i;
  while (i < end && isDigit(codes[i]!)) i++;
  return i > fracStart ? i : -1;
}

/**
 * A string of `codes[from, to)` that shares no memory with a larger string (a slice of 13 characters or more is a
 * view that keeps its whole parent text alive while anything holds it). Built by index, not by spreading the codes:
 * a spread walks the iterator protocol, one result object per character.
 */
export function ownText(codes: CharCodes, from: number, to: number): string {
  if (to - from <= TEXT_CHUNK) return String.fromCharCode.apply(null, codes.subarray(from, to) as unknown as number[]);
  let text = '';
  for (let i = from; i < to; i += TEXT_CHUNK) text += String.fromCharCode.apply(null, codes.subarray(i, Math.min(to, i + TEXT_CHUNK)) as unknown as number[]);
  return text;
}

/** Characters per String.fromCharCode call: far below any engine's argument limit. */
const TEXT_CHUNK = 4096;

/**
 * Interned texts: `codes[from, to)` as a string that repeats as the same string (a device's MN in every frame), with
 * a tag worked out once per text (the MN's alphabet). No allocation for a text seen before, and none that keeps a
 * frame's text alive. Looked up by the hash of the codes (a small integer key, so no string is built to look one up)
 * and checked against the codes; a text whose hash another text holds replaces it. Bounded by construction: at most
 * `maxTexts` texts of at most `maxLength` characters (longer ones are made each time, never kept), the oldest going
 * first, so a flood of new texts costs what no interning would and no more memory.
 */
export class Interner<T> {
  private readonly entries = new Map<number, { text: string; tag: T }>();
  /** Tag of the text returned by the last {@link get}. */
  tag: T;

  constructor(
    private readonly tagOf: (text: string) => T,
    private readonly maxTexts = 4096,
    private readonly maxLength = 64,
  ) {
    this.tag = tagOf('');
  }

  get(codes: CharCodes, from: number, to: number): string {
    let hash = to - from;
    for (let i = from; i < to; i++) hash = (Math.imul(hash, 31) + codes[i]!) | 0;
    const seen = this.entries.get(hash);
    if (seen !== undefined && sameText(seen.text, codes, from, to)) {
      this.tag = seen.tag;
      return seen.text;
    }
    const text = ownText(codes, from, to);
    const tag = (this.tag = this.tagOf(text));
    if (to - from > this.maxLength) return text;
    if (seen !== undefined) this.entries.delete(hash);
    else if (this.entries.size >= this.maxTexts) this.entries.delete(this.entries.keys().next().value as number);
    this.entries.set(hash, { text, tag });
    return text;
  }
}

/** `text` is `codes[from, to)`. */
function sameText(text: string, codes: CharCodes, from: number, to: number): boolean {
  if (text.length !== to - from) return false;
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) !== codes[from + k]) return false;
  return true;
}
