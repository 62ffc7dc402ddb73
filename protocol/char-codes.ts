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
 * view that keeps its whole parent text alive while anything holds it).
 */
export function ownText(codes: CharCodes, from: number, to: number): string {
  return String.fromCharCode(...codes.subarray(from, to));
}

/**
 * Interned texts: `codes[from, to)` as a string that repeats as the same string (a device's MN in every frame), with
 * a tag worked out once per text (the MN's alphabet). No allocation for a text seen before, and none that keeps a
 * frame's text alive. One way: a new text replaces its slot's.
 */
export class Interner<T> {
  private readonly texts: (string | undefined)[];
  private readonly codes: (Uint16Array | undefined)[];
  private readonly tags: T[];
  private readonly shift: number;
  /** Tag of the text returned by the last {@link get}. */
  tag: T;

  /** `slotBits`: the table holds 2^slotBits texts. */
  constructor(
    private readonly tagOf: (text: string) => T,
    slotBits = 12,
  ) {
    const slots = 1 << slotBits;
    this.shift = 32 - slotBits;
    this.texts = new Array<string | undefined>(slots).fill(undefined);
    this.codes = new Array<Uint16Array | undefined>(slots).fill(undefined);
    this.tags = new Array<T>(slots);
    this.tag = tagOf('');
  }

  get(codes: CharCodes, from: number, to: number): string {
    let hash = to - from;
    for (let i = from; i < to; i++) hash = (Math.imul(hash, 31) + codes[i]!) | 0;
    const slot = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) >>> this.shift;
    const seen = this.codes[slot];
    if (seen !== undefined && seen.length === to - from) {
      let k = 0;
      while (k < seen.length && seen[k] === codes[from + k]) k++;
      if (k === seen.length) {
        this.tag = this.tags[slot]!;
        return this.texts[slot]!;
      }
    }
    const text = ownText(codes, from, to);
    this.texts[slot] = text;
    this.codes[slot] = Uint16Array.from(codes.subarray(from, to));
    this.tag = this.tags[slot] = this.tagOf(text);
    return text;
  }
}
