/**
 * CP, the command-parameter part of the data segment (HJ212-2017 6.3.3, docs/protocol.md §5): the flat map of
 * cp-pairs.ts structured by {@link readCp} into DataTime, parameters and one reading per factor.
 */
import { isDigit } from './char-codes.js';
import type { ReadingField } from './codes.js';
import { lastPairs, splitKey, type KeyInfo } from './cp-pairs.js';
import { fromWall, parseDataTime } from './data-time.js';
import { setKey } from './own.js';
import type { CpData, FactorReading } from './types.js';

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

/**
 * Keys repeat from frame to frame (`a21026-Rtd` …): caching their split saves two slices and a lookup per key.
 * Bounded against hostile key streams. Keys of the CP parsed last are split already (cp-pairs.ts `lastPairs`).
 */
const keyCache = new Map<string, KeyInfo | null>();
const KEY_CACHE_MAX = 10_000;

function keyInfo(key: string): KeyInfo | null {
  let info = keyCache.get(key);
  if (info !== undefined) return info;
  info = splitKey(key);
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
  keyCache.set(key, info);
  return info;
}

/** Factors of one CP found by scanning the readings so far; above this a map is built. */
const SCAN_MAX = 32;

/** True when `proto` or its prototypes have an enumerable string key (for-in would visit it). */
function hasEnumerable(proto: object | null): boolean {
  for (const key in proto) if (key !== undefined) return true;
  return false;
}

/** `new Reading(code)` is `{ code, valid: true }` built by a constructor: V8 then leaves room for the fields to come. */
const Reading = function Reading(this: FactorReading, code: string): void {
  this.code = code;
  this.valid = true;
} as unknown as new (code: string) => FactorReading;
Reading.prototype = Object.prototype as FactorReading;

/**
 * `new CpRecord(params, factors)` is `{ params, factors }` built by a constructor: V8 leaves room in the object for
 * dataTime and dataTimeMs, added when the CP has a DataTime.
 */
const CpRecord = function CpRecord(this: CpData, params: Record<string, string>, factors: FactorReading[]): void {
  this.params = params;
  this.factors = factors;
} as unknown as new (params: Record<string, string>, factors: FactorReading[]) => CpData;
CpRecord.prototype = Object.prototype as CpData;

/** Sets one reading field by name: one store site per field keeps each a plain property store. */
function setField(r: FactorReading, field: ReadingField, value: string): void {
  switch (field) {
    case 'rtd':
      r.rtd = value;
      break;
    case 'zsRtd':
      r.zsRtd = value;
      break;
    case 'flag':
      r.flag = value;
      break;
    case 'cou':
      r.cou = value;
      break;
    case 'min':
      r.min = value;
      break;
    case 'avg':
      r.avg = value;
      break;
    case 'max':
      r.max = value;
      break;
    default:
      (r as unknown as Record<string, string>)[field] = value;
  }
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
  const params: Record<string, string> = {};
  const factors: FactorReading[] = [];
  const out = new CpRecord(params, factors);
  /** Readings by code, built once a CP has more factors than a short scan of `factors` handles. */
  let byCode: Map<string, FactorReading> | undefined;
  let last: FactorReading | undefined;
  // for-in reads the values through V8's enum cache (Object.keys + cp[key] was a lookup per key); inherited
  // enumerable keys, when the prototype chain has any, are skipped so that only own keys count, as Object.keys.
  const inherited = hasEnumerable(Object.getPrototypeOf(cp) as object | null);
  // The memo's arrays, read once: the calls in the loop could not change them, but V8 cannot know that.
  const { n: memoN, entries: memoEntries, values: memoValues, numbers: memoNumbers } = lastPairs;
  let at = 0;
  for (const key in cp) {
    if (inherited && !Object.hasOwn(cp, key)) continue;
    const value = cp[key]!;
    const pos = at++;
    const known = pos < memoN ? memoEntries[pos] : undefined;
    const same = known !== undefined && known.key === key;
    const info = same ? known.info : keyInfo(key);
    if (info === null) {
      if (key === 'DataTime') {
        out.dataTime = value;
        const zone = opts.timeZone ?? 'Asia/Shanghai';
        const read = same && lastPairs.dataTimeAt === pos && memoValues[pos] === value;
        const ms = read ? fromWall(lastPairs.wall, zone) : parseDataTime(value, zone);
        if (ms !== undefined) out.dataTimeMs = ms;
      } else setKey(params, key, value);
      continue;
    }
    // Suffixes of one factor usually sit together in one group: check the previous reading first.
    let reading = last !== undefined && last.code === info.code ? last : undefined;
    if (reading === undefined) {
      if (byCode !== undefined) reading = byCode.get(info.code);
      else for (let k = 0; k < factors.length && reading === undefined; k++) if (factors[k]!.code === info.code) reading = factors[k];
      if (reading === undefined) {
        reading = new Reading(info.code);
        factors.push(reading);
        if (byCode !== undefined) byCode.set(info.code, reading);
        else if (factors.length > SCAN_MAX) byCode = new Map(factors.map((f) => [f.code, f]));
      }
    }
    last = reading;
    if (info.field !== undefined) setField(reading, info.field, value);
    else setKey((reading.extra ??= {}), info.suffix, value);
    if (info.numeric && !(same && memoValues[pos] === value ? memoNumbers[pos]! : isNumber(value))) reading.valid = false;
  }
  return out;
}
