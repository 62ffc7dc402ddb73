/**
 * CP pairs (HJ212-2017 6.3.3, docs/protocol.md §5): `CP=&&` group *(`;` group) `&&`, group = pair *(`,` pair),
 * pair = key `=` value. Parsed in one pass over character codes (char-codes.ts) into a flat map key → verbatim value.
 */
import { NUMERIC_SUFFIXES, READING_SUFFIXES, type ReadingField } from './codes.js';
import { charCodesOf, numberEnd, ownText, type CharCodes } from './char-codes.js';
import { wallAt } from './data-time.js';
import { failAt as cpFail } from './errors.js';
import { buildMap } from './cp-map.js';
import type { ParseFail, Warning } from './types.js';

const COMMA = 0x2c;
const SEMI = 0x3b;
const EQ = 0x3d;
const SLASH = 0x2f;

/** Result of {@link parseCpPairs}: the flat map, or the first problem with its offset in the text. */
export type CpResult = { ok: true; cp: Record<string, string> } | ParseFail;

/** True when `key[from, key.length)` is one of {@link NUMERIC_SUFFIXES}. */
export function isNumericSuffix(key: string, from: number): boolean {
  const len = key.length - from;
  for (const s of NUMERIC_SUFFIXES) if (s.length === len && key.startsWith(s, from)) return true;
  return false;
}

/**
 * End of a `//free text//` value starting at `from` (docs/protocol.md §5: -Info text may hold `,` `;` `=`): the index after the
 * closing `//` that is followed by a separator or the end; -1 when the value is not of that form.
 */
function freeTextEnd(text: string, from: number, end: number): number {
  if (!text.startsWith('//', from)) return -1;
  let i = from + 2;
  for (;;) {
    const close = text.indexOf('//', i);
    if (close < 0 || close + 2 > end) return -1;
    const next = close + 2 === end ? SEMI : text.charCodeAt(close + 2);
    if (next === SEMI || next === COMMA) return close + 2;
    i = close + 1;
  }
}

/** Where a factor suffix goes in a FactorReading; absent = `extra`. */
const FIELD_OF: ReadonlyMap<string, ReadingField> = new Map(READING_SUFFIXES);

/** How a factor key `code-Suffix` splits (HJ212-2017 6.6.3): code, suffix, target field, whether the value is numeric. */
export interface KeyInfo {
  code: string;
  suffix: string;
  field: ReadingField | undefined;
  numeric: boolean;
}

/** Factor codes seen in keys: the keys of one factor share one code string (compared by reference). Bounded. */
const factorCodes = new Map<string, string>();

function factorCode(code: string): string {
  const seen = factorCodes.get(code);
  if (seen !== undefined) return seen;
  if (factorCodes.size >= 10_000) factorCodes.clear();
  factorCodes.set(code, code);
  return code;
}

/** The split of a CP key at its last `-`, or null for a key without one (DataTime, parameters). */
export function splitKey(key: string): KeyInfo | null {
  const dash = key.lastIndexOf('-');
  if (dash < 0) return null;
  const suffix = key.slice(dash + 1);
  return { code: factorCode(key.slice(0, dash)), suffix, field: FIELD_OF.get(suffix), numeric: isNumericSuffix(key, dash + 1) };
}

/** A CP key as seen before: the string, its character codes, its split, the last parse that met it. */
export interface KeyEntry {
  key: string;
  codes: Uint16Array;
  info: KeyInfo | null;
  numeric: boolean;
  seen: number;
  /** Its slot in the key table. */
  slot: number;
  /** The key that followed it in the last CP that held it: a device sends its keys in the same order every time. */
  next: KeyEntry | undefined;
}

/**
 * Key interning. Keys repeat from frame to frame (`w01018-Rtd` …); storing a freshly sliced key in the result object
 * makes V8 hash and internalize it, which dominated the parse. The key's hash is computed during the scan, the
 * slot's key is compared in place and reused. The entry also caches the numeric-suffix test and a parse stamp that
 * detects duplicate keys without a property lookup. Two-way: a key lives in slot `h` or `h ^ 1`, so two keys of
 * one frame that share a slot do not evict each other in every frame. A new key replaces an entry not met in the
 * current parse (bounded memory).
 */
const KEY_SLOTS = 4096;
const keyTable: (KeyEntry | undefined)[] = new Array<KeyEntry | undefined>(KEY_SLOTS).fill(undefined);
let parseStamp = 0;
/** The first key of the last CP parsed. */
let firstKey: KeyEntry | undefined;

/**
 * The pairs of the last parse, by position (reused: parsing is synchronous and not re-entrant). readCp uses them as
 * a memo for the CP it is given, position by position and only where that CP holds the same key (and, for the number
 * check, the same value): a CP built or changed by a caller falls back to working the key out.
 */
export const lastPairs = {
  n: 0,
  entries: [] as KeyEntry[],
  values: [] as string[],
  numbers: [] as boolean[],
  dataTimeAt: -1,
  wall: undefined as number | undefined,
  /** The map {@link readCpPairs} built (its result, without a result object). */
  map: {} as Record<string, string>,
};
const { entries, values, numbers } = lastPairs;

/**
 * Parses the CP content `text[start, end)` (between `CP=&&` and the closing `&&`) into a flat map in wire order.
 * Empty groups are skipped; a pair without `=` is HJ_ERR_CP_SYNTAX, a repeated key HJ_ERR_FIELD. A non-number in a
 * numeric suffix is HJ_ERR_FIELD when `strict`, else a HJ_WARN_NOT_NUMBER warning (value kept verbatim).
 */
export function parseCpPairs(text: string, start: number, end: number, strict: boolean, warnings: Warning[]): CpResult {
  return readCpPairs(charCodesOf(text), 0, text, start, end, strict, warnings) ?? { ok: true, cp: lastPairs.map };
}

/**
 * {@link parseCpPairs} over `codes`, where `codes[base + i]` is `text.charCodeAt(i)`; `start`, `end` and the offsets
 * of failures are indices in `text`. Returns the failure, or undefined with the map in `lastPairs.map`.
 */
export function readCpPairs(
  codes: CharCodes,
  base: number,
  text: string,
  start: number,
  end: number,
  strict: boolean,
  warnings: Warning[],
): ParseFail | undefined {
  const stamp = ++parseStamp;
  let n = 0;
  lastPairs.n = 0;
  lastPairs.dataTimeAt = -1;
  /** Keys of this parse, built only after a key-table miss (a miss cannot use the stamp to see a duplicate). */
  let missed: Set<string> | undefined;
  // Scan positions are in `codes`; `p - base` is the same position in `text`.
  const last = end + base;
  let p = start + base;
  // After ',' a pair must follow; after ';' an empty group is allowed (Python reference: empty groups skipped).
  let needPair = false;
  let prev: KeyEntry | undefined;
  while (p < last || needPair) {
    const c0 = p < last ? codes[p] : SEMI;
    if (c0 === SEMI) {
      if (needPair) return cpFail('HJ_ERR_CP_SYNTAX', p - base, "empty CP pair after ','");
      p++;
      continue;
    }
    // The key that followed the previous one last time is tried first, without hashing; else the key table.
    const guess = prev === undefined ? firstKey : prev.next;
    let entry: KeyEntry | undefined;
    let eq: number;
    if (guess !== undefined && keyTable[guess.slot] === guess && keyAt(guess.codes, codes, p, last)) {
      entry = guess;
      eq = p + guess.codes.length;
    } else {
      let hash = 0;
      for (eq = p; eq < last; eq++) {
        const c = codes[eq]!;
        if (c === EQ || c === COMMA || c === SEMI) break;
        hash = (Math.imul(hash, 31) + c) | 0;
      }
      if (eq === last || codes[eq] !== EQ) {
        return cpFail('HJ_ERR_CP_SYNTAX', p - base, `CP pair without '=': ${text.slice(p - base, eq - base)}`);
      }
      entry = internKey(codes, p, eq, hash);
      if (entry === undefined) {
        if (missed === undefined) missed = new Set(entries.slice(0, n).map((e) => e.key));
        entry = newKey(ownText(codes, p, eq), hash, missed);
      }
    }
    if (prev === undefined) firstKey = entry;
    else prev.next = entry;
    prev = entry;
    // A numeric value is scanned once: its number syntax, then (if anything follows) on to the separator.
    const numEnd = entry.numeric ? numberEnd(codes, eq + 1, last) : -1;
    let j = numEnd < 0 ? eq + 1 : numEnd;
    let c = 0;
    while (j < last && (c = codes[j]!) !== COMMA && c !== SEMI) j++;
    const number = numEnd === j;
    if (codes[eq + 1] === SLASH) {
      const free = freeTextEnd(text, eq + 1 - base, end) + base;
      if (free > j) j = free;
    }
    if (entry.seen === stamp) return cpFail('HJ_ERR_FIELD', p - base, `duplicate CP key ${entry.key}`);
    entry.seen = stamp;
    missed?.add(entry.key);
    const value = text.slice(eq + 1 - base, j - base);
    if (entry.numeric && !number) {
      const message = `${entry.key} is not a number: ${value}`;
      if (strict) return cpFail('HJ_ERR_FIELD', eq + 1 - base, message);
      warnings.push({ code: 'HJ_WARN_NOT_NUMBER', message, field: entry.key });
    }
    if (entry.key === 'DataTime') {
      // Read here on the codes, for readCp (which uses it only while the value is the one read).
      lastPairs.dataTimeAt = n;
      lastPairs.wall = wallAt(codes, eq + 1, j);
    }
    entries[n] = entry;
    numbers[n] = number;
    values[n++] = value;
    needPair = j < last && codes[j] === COMMA;
    p = needPair ? j + 1 : j;
  }
  lastPairs.map = buildMap(entries, values, n);
  lastPairs.n = n;
  return undefined;
}

/** The cached entry of key `codes[i, eq)` (hash `hash`), when the slot holds that key. */
function internKey(codes: CharCodes, i: number, eq: number, hash: number): KeyEntry | undefined {
  const slot = slotOf(hash);
  const a = keyTable[slot];
  if (a !== undefined && sameKey(a.codes, codes, i, eq)) return a;
  const b = keyTable[slot ^ 1];
  return b !== undefined && sameKey(b.codes, codes, i, eq) ? b : undefined;
}

/** `codes[i, …)` holds `key` followed by `=`. */
function keyAt(key: Uint16Array, codes: CharCodes, i: number, last: number): boolean {
  const eq = i + key.length;
  return eq < last && codes[eq] === EQ && sameKey(key, codes, i, eq);
}

/** `key` equals `codes[i, eq)`. */
function sameKey(key: Uint16Array, codes: CharCodes, i: number, eq: number): boolean {
  if (key.length !== eq - i) return false;
  for (let k = 0; k < key.length; k++) if (key[k] !== codes[i + k]) return false;
  return true;
}

/** The first slot of a key hash; the multiply spreads the low bits that `31 * h + c` leaves clustered. */
function slotOf(hash: number): number {
  return Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) >>> 20;
}

/** A new entry for `key`, replacing its slot; `seen` marks it already met when `earlier` holds it. */
function newKey(key: string, hash: number, earlier: Set<string>): KeyEntry {
  const first = slotOf(hash);
  const slot = keyTable[first]?.seen === parseStamp ? first ^ 1 : first;
  const info = splitKey(key);
  const entry: KeyEntry = { key, codes: charCodesOf(key), info, numeric: info !== null && info.numeric, seen: earlier.has(key) ? parseStamp : 0, slot, next: undefined };
  // An entry replaced here may still be some entry's `next`: it must not hold on to a chain of others.
  const evicted = keyTable[slot];
  if (evicted !== undefined) evicted.next = undefined;
  keyTable[slot] = entry;
  return entry;
}
