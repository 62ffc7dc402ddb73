/**
 * CP, the command-parameter part of the data segment (HJ212-2017 6.3.3, docs/protocol.md §5):
 * `CP=&&` group *(`;` group) `&&`, group = pair *(`,` pair), pair = key `=` value.
 * Parsed in one pass over char codes into a flat map key → verbatim value; {@link readCp} then structures it.
 */
import { NUMERIC_SUFFIXES, READING_SUFFIXES, type ReadingField } from './codes.js';
import { parseDataTime } from './data-time.js';
import { HJ_ERRORS, type HjErrorCode } from './errors.js';
import { setKey } from './own.js';
import type { CpData, FactorReading, ParseFail, Warning } from './types.js';

const COMMA = 0x2c;
const SEMI = 0x3b;
const EQ = 0x3d;
const SLASH = 0x2f;

/** Result of {@link parseCpPairs}: the flat map, or the first problem with its offset in the text. */
export type CpResult = { ok: true; cp: Record<string, string> } | ParseFail;

/** True for `[+-]digits[.digits]`, the number syntax of the corpus (docs/protocol.md §5). */
export function isNumber(text: string, start = 0, end = text.length): boolean {
  let i = start;
  const c0 = text.charCodeAt(i);
  if (c0 === 0x2b || c0 === 0x2d) i++;
  const intStart = i;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  if (i === intStart) return false;
  if (i === end) return true;
  if (text.charCodeAt(i) !== 0x2e) return false;
  const fracStart = ++i;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  return i === end && i > fracStart;
}

function cpFail(code: HjErrorCode, offset: number, detail: string): ParseFail {
  return { ok: false, code, offset, message: `${HJ_ERRORS[code]}: ${detail}` };
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** True when `text[from, to)` is one of {@link NUMERIC_SUFFIXES}; compared in place, without slicing. */
function isNumericSuffix(text: string, from: number, to: number): boolean {
  const len = to - from;
  for (const s of NUMERIC_SUFFIXES) if (s.length === len && text.startsWith(s, from)) return true;
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

/** A CP key as seen before: the string itself, whether its suffix is numeric, and the last parse that met it. */
interface KeyEntry {
  key: string;
  numeric: boolean;
  seen: number;
}

/**
 * Key interning. Keys repeat from frame to frame (`w01018-Rtd` …); storing a freshly sliced key in the result object
 * makes V8 hash and internalize it, which dominated the parse (51-key CP: 15 µs with fresh keys against 4.3 µs with
 * reused ones, measured on this machine under load). The key's hash is computed during the scan, the slot's string is
 * compared in place (`startsWith`) and reused. The entry also caches the numeric-suffix test and a parse stamp that
 * detects duplicate keys without a property lookup. Two-way: a key lives in slot `h` or `h ^ 1`, so two keys of
 * one frame that share a slot do not evict each other in every frame (with one way, one such pair in a 51-key CP made
 * every parse miss). A new key replaces an entry not met in the current parse (bounded memory).
 */
const KEY_SLOTS = 4096;
const keyTable: (KeyEntry | undefined)[] = new Array<KeyEntry | undefined>(KEY_SLOTS).fill(undefined);
let parseStamp = 0;

/**
 * Parses the CP content `text[start, end)` (between `CP=&&` and the closing `&&`) into a flat map in wire order.
 * Empty groups are skipped; a pair without `=` is HJ_ERR_CP_SYNTAX, a repeated key HJ_ERR_FIELD. A non-number in a
 * numeric suffix is HJ_ERR_FIELD when `strict`, else a HJ_WARN_NOT_NUMBER warning (value kept verbatim).
 */
export function parseCpPairs(
  text: string,
  start: number,
  end: number,
  strict: boolean,
  warnings: Warning[],
): CpResult {
  const stamp = ++parseStamp;
  let n = 0;
  /** Keys of this parse, built only after a key-table miss (a miss cannot use the stamp to see a duplicate). */
  let missed: Set<string> | undefined;
  let i = start;
  // After ',' a pair must follow; after ';' an empty group is allowed (Python reference: empty groups skipped).
  let needPair = false;
  while (i < end || needPair) {
    const c0 = i < end ? text.charCodeAt(i) : SEMI;
    if (c0 === SEMI) {
      if (needPair) return cpFail('HJ_ERR_CP_SYNTAX', i, "empty CP pair after ','");
      i++;
      continue;
    }
    let hash = 0;
    let eq = i;
    for (; eq < end; eq++) {
      const c = text.charCodeAt(eq);
      if (c === EQ || c === COMMA || c === SEMI) break;
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    if (eq === end || text.charCodeAt(eq) !== EQ) {
      return cpFail('HJ_ERR_CP_SYNTAX', i, `CP pair without '=': ${text.slice(i, eq)}`);
    }
    let j = eq + 1;
    let c = 0;
    while (j < end && (c = text.charCodeAt(j)) !== COMMA && c !== SEMI) j++;
    if (text.charCodeAt(eq + 1) === SLASH) {
      const free = freeTextEnd(text, eq + 1, end);
      if (free > j) j = free;
    }
    let entry = internKey(text, i, eq, hash);
    if (entry === undefined) {
      if (missed === undefined) missed = new Set(keys.slice(0, n));
      entry = newKey(text, i, eq, hash, missed);
    }
    if (entry.seen === stamp) return cpFail('HJ_ERR_FIELD', i, `duplicate CP key ${entry.key}`);
    entry.seen = stamp;
    missed?.add(entry.key);
    const value = text.slice(eq + 1, j);
    if (entry.numeric && !isNumber(value)) {
      const message = `${entry.key} is not a number: ${value}`;
      if (strict) return cpFail('HJ_ERR_FIELD', eq + 1, message);
      warnings.push({ code: 'HJ_WARN_NOT_NUMBER', message, field: entry.key });
    }
    keys[n] = entry.key;
    values[n++] = value;
    needPair = j < end && text.charCodeAt(j) === COMMA;
    i = needPair ? j + 1 : j;
  }
  const cp: Record<string, string> = {};
  for (let k = 0; k < n; k++) setKey(cp, keys[k]!, values[k]!);
  return { ok: true, cp };
}

/** Scratch arrays of one parse (reused: parsing is synchronous and not re-entrant). */
const keys: string[] = [];
const values: string[] = [];

/** The cached entry of key `text[i, eq)` (hash `hash`), when the slot holds that key. */
function internKey(text: string, i: number, eq: number, hash: number): KeyEntry | undefined {
  const slot = slotOf(hash);
  const a = keyTable[slot];
  if (a !== undefined && sameKey(a.key, text, i, eq)) return a;
  const b = keyTable[slot ^ 1];
  return b !== undefined && sameKey(b.key, text, i, eq) ? b : undefined;
}

/**
 * `key === text.slice(i, eq)` without slicing. A char loop: `text.startsWith(key, i)` was 12 % of a 51-key parse
 * (a builtin call per key), the inlined loop does not show in the profile.
 */
function sameKey(key: string, text: string, i: number, eq: number): boolean {
  if (key.length !== eq - i) return false;
  for (let k = 0; k < key.length; k++) if (key.charCodeAt(k) !== text.charCodeAt(i + k)) return false;
  return true;
}

/** The first slot of a key hash; the multiply spreads the low bits that `31 * h + c` leaves clustered. */
function slotOf(hash: number): number {
  return Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) >>> 20;
}

/** A new entry for key `text[i, eq)`, replacing its slot; `seen` marks it already met when `earlier` holds it. */
function newKey(text: string, i: number, eq: number, hash: number, earlier: Set<string>): KeyEntry {
  const key = text.slice(i, eq);
  const dash = key.lastIndexOf('-');
  const entry = { key, numeric: dash >= 0 && isNumericSuffix(key, dash + 1, key.length), seen: earlier.has(key) ? parseStamp : 0 };
  const slot = slotOf(hash);
  keyTable[keyTable[slot]?.seen === parseStamp ? slot ^ 1 : slot] = entry;
  return entry;
}

/** Where a factor suffix goes in a {@link FactorReading}; absent = `extra`. */
const FIELD_OF: ReadonlyMap<string, ReadingField> = new Map(READING_SUFFIXES);

/** How one CP key splits: factor code, suffix, target field, whether the value must be numeric. */
interface KeyInfo {
  code: string;
  suffix: string;
  field: ReadingField | undefined;
  numeric: boolean;
}

/**
 * Keys repeat from frame to frame (`a21026-Rtd` …): caching their split saves two slices and a lookup per key
 * (readCp of a 10-factor minute frame: 1.9 µs with the cache, 3.1 µs without). Bounded against hostile key streams.
 */
const keyCache = new Map<string, KeyInfo | null>();
const KEY_CACHE_MAX = 10_000;

function keyInfo(key: string): KeyInfo | null {
  let info = keyCache.get(key);
  if (info !== undefined) return info;
  const dash = key.lastIndexOf('-');
  if (dash < 0) info = null;
  else {
    const suffix = key.slice(dash + 1);
    const field = FIELD_OF.get(suffix);
    info = { code: key.slice(0, dash), suffix, field, numeric: isNumericSuffix(suffix, 0, suffix.length) };
  }
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
  keyCache.set(key, info);
  return info;
}

/** Options of {@link readCp}. */
export interface ReadCpOptions {
  /** IANA zone DataTime is written in. Default 'Asia/Shanghai' (China Standard Time). */
  timeZone?: string;
}

/**
 * Structures a flat CP map: DataTime (raw and as epoch ms in `timeZone`), top-level parameters, and one
 * {@link FactorReading} per factor code in wire order (HJ212-2017 6.6.3: `code-Suffix`; SBx-RS / SBx-RT equipment).
 * A reading is `valid: false` when one of its numeric suffixes holds a non-number.
 */
export function readCp(cp: Readonly<Record<string, string>>, opts: ReadCpOptions = {}): CpData {
  const out: CpData = { params: {}, factors: [] };
  const byCode = new Map<string, FactorReading>();
  let last: FactorReading | undefined;
  for (const key of Object.keys(cp)) {
    const value = cp[key]!;
    const info = keyInfo(key);
    if (info === null) {
      if (key === 'DataTime') {
        out.dataTime = value;
        const ms = parseDataTime(value, opts.timeZone ?? 'Asia/Shanghai');
        if (ms !== undefined) out.dataTimeMs = ms;
      } else setKey(out.params, key, value);
      continue;
    }
    // Suffixes of one factor usually sit together in one group: check the previous reading before the map.
    let reading = last !== undefined && last.code === info.code ? last : byCode.get(info.code);
    if (reading === undefined) {
      reading = { code: info.code, valid: true };
      byCode.set(info.code, reading);
      out.factors.push(reading);
    }
    last = reading;
    if (info.field !== undefined) (reading as unknown as Record<string, string>)[info.field] = value;
    else setKey((reading.extra ??= {}), info.suffix, value);
    if (info.numeric && !isNumber(value)) reading.valid = false;
  }
  return out;
}
