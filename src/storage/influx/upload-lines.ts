/**
 * The InfluxDB mapping of an upload (schema in README "InfluxDB schema"), written as line protocol straight from the
 * parsed CP (no point objects in between): one measurement per data kind, tags `factor` / `mn` / `st`, numeric
 * fields for values, string fields for flags and the verbatim group `raw`, `invalid` when a value was not a number.
 *
 * Field names and types are fixed here, never taken from the wire: a CP key becomes a field only through the suffix
 * tables below, numeric fields are always floats and only hold values that are numbers, and parameters without a
 * factor suffix (`BeginTime=…`, or hostile `avg=x`) go verbatim into the one string field `params`. So no collector
 * can create a field of another type under a name other collectors' readings use (a "field type conflict" would make
 * InfluxDB refuse every later reading of that measurement in the shard, issue 11 finding 2).
 */
import { isDigit, isNumber, type FactorReading } from '../../../protocol/index.js';
import type { UploadRecord } from '../../domain/ports.js';
import { CN_FIELD, INVALID_FIELD, NUMERIC_FIELD_OF_CP as NUMERIC_FIELDS, PARAMS_FIELD, RAW_FIELD, STRING_FIELD_OF_CP as STRING_FIELDS, TAG } from '../../domain/reading-schema.js';
import { LineBytes } from './line-bytes.js';
import { LineProtocolError, escapeKey, escapeMeasurement } from './line-protocol.js';

/** Tag and field names of the schema (src/domain/reading-schema.ts) that are not taken from the suffix tables. */
const SCHEMA = { factorTag: TAG.factor, mnTag: TAG.mn, stTag: TAG.st, raw: RAW_FIELD, invalid: INVALID_FIELD, cn: CN_FIELD, params: PARAMS_FIELD } as const;

/** Parameters without a factor suffix, verbatim as `key=value;…` (one string field, whatever the keys are). */
export function paramsText(params: Readonly<Record<string, string>>): string {
  let out = '';
  for (const k of Object.keys(params)) out += out === '' ? `${k}=${params[k]}` : `;${k}=${params[k]}`;
  return out;
}

/**
 * `v` as `String(Number(v))` prints it, when `v` is a plain decimal `[-]digits[.digits]` of at most 15 digits (a double
 * holds them exactly) without a leading zero in a longer integer part and not below 1e-6 (printed with an exponent):
 * trailing fraction zeros and the point go, `-0` becomes `0`. Undefined for anything else (the general path).
 * Most collectors' values are such decimals (`28.40`), and the substring costs less than a number round trip.
 */
function plainDecimal(v: string): string | undefined {
  const n = v.length;
  let i = v.charCodeAt(0) === 45 ? 1 : 0;
  const intStart = i;
  while (i < n && isDigit(v.charCodeAt(i))) i++;
  const intLen = i - intStart;
  if (intLen === 0 || intLen > 15 || (intLen > 1 && v.charCodeAt(intStart) === 48)) return undefined;
  const zeroInt = intLen === 1 && v.charCodeAt(intStart) === 48;
  let end = n;
  if (i < n) {
    if (v.charCodeAt(i) !== 46) return undefined;
    const fracStart = ++i;
    while (i < n && isDigit(v.charCodeAt(i))) i++;
    if (i !== n || i === fracStart) return undefined;
    while (end > fracStart && v.charCodeAt(end - 1) === 48) end--;
    if (intLen + end - fracStart > 15) return undefined;
    if (end === fracStart) end--;
    else if (zeroInt) {
      let z = fracStart;
      while (v.charCodeAt(z) === 48) z++;
      if (z - fracStart >= 6) return undefined;
    }
  }
  const text = end === n ? v : v.slice(0, end);
  return zeroInt && intStart === 1 && end === intStart + 1 ? '0' : text;
}

export function numberText(v: string): string | undefined {
  const plain = plainDecimal(v);
  if (plain !== undefined) return plain;
  // A non-number (`***`, `NaN`, `x`) is not written: it is kept verbatim in `raw` and marks the reading invalid.
  if (!isNumber(v)) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) return undefined;
  // Always a float (no `i`): a field never flips between integer and float. 1e+21 and 1.5e-7 parse in 1.x and 2.x.
  return Object.is(n, -0) ? '0' : String(n);
}

const OUT = new LineBytes();
const COMMA = 0x2c;
const EQUALS = 0x3d;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const QUOTE = 0x22;

/** `name="value"` (a string field, escaped), after a comma unless it is the first field. */
function stringField(name: string, value: string, first: boolean): void {
  if (!first) OUT.byte(COMMA);
  OUT.text(name);
  OUT.byte(EQUALS);
  OUT.byte(QUOTE);
  OUT.escaped(value);
  OUT.byte(QUOTE);
}

/**
 * The verbatim group of the factor `i` as the collector sent it, in wire order, e.g. `Cou=1.23,Min=20.1,Flag=N`, so
 * nothing the device said is lost or reordered: the CP keys whose factor is the reading's (`owners[j] === i`).
 */
function rawGroup(i: number, codeLength: number, keys: readonly string[], values: readonly string[], owners: Int32Array): void {
  let first = true;
  for (let j = 0; j < keys.length; j++) {
    if (owners[j] !== i) continue;
    if (!first) OUT.byte(COMMA);
    first = false;
    OUT.escaped(keys[j] as string, codeLength + 1);
    OUT.byte(EQUALS);
    OUT.escaped(values[j] as string);
  }
}

/** Per FactorReading key, its field: numeric (a float written when the value is a number) or string. */
const FIELD_OF_KEY = new Map<string, { name: string; numeric: boolean }>([
  ...NUMERIC_FIELDS.map(([key, name]) => [key, { name, numeric: true }] as const),
  ...STRING_FIELDS.map(([key, name]) => [key, { name, numeric: false }] as const),
]);

/**
 * The reading's fields in its own key order (the order readCp met the suffixes on the wire), then `raw` and `invalid`.
 * Its keys are enumerated rather than each schema name looked up: fifteen lookups of absent keys per reading, each
 * with another key on the same object, were most of the mapping's time.
 */
function readingFields(reading: FactorReading, i: number, keys: readonly string[], values: readonly string[], owners: Int32Array): void {
  let first = true;
  for (const key in reading) {
    const field = FIELD_OF_KEY.get(key);
    if (field === undefined) continue;
    const v = reading[key as keyof FactorReading];
    if (typeof v !== 'string') continue;
    if (!field.numeric) {
      stringField(field.name, v, first);
      first = false;
      continue;
    }
    const text = numberText(v);
    if (text === undefined) continue;
    if (!first) OUT.byte(COMMA);
    first = false;
    OUT.text(field.name);
    OUT.byte(EQUALS);
    OUT.text(text);
  }
  if (!first) OUT.byte(COMMA);
  OUT.text(SCHEMA.raw);
  OUT.byte(EQUALS);
  OUT.byte(QUOTE);
  rawGroup(i, reading.code.length, keys, values, owners);
  OUT.byte(QUOTE);
  if (!reading.valid) OUT.text(`,${SCHEMA.invalid}=true`);
}

/** `,<name>=<escaped value>` (a tag), nothing when the value is empty. */
function tag(name: string, escaped: string): void {
  if (escaped === '') return;
  OUT.byte(COMMA);
  OUT.text(name);
  OUT.byte(EQUALS);
  OUT.text(escaped);
}

const tagValue = (value: string): string => (value === '' ? '' : escapeKey(value, 'tag value'));

let ownerScratch = new Int32Array(64);

/**
 * For each CP key, the index of the reading it belongs to (the text before its last `-` is the reading's code, as in
 * `readCp`, HJ212-2017 6.6.3), -1 for none. A factor's keys usually follow each other, so the reading of the key
 * before is tried first.
 */
function owners(keys: readonly string[], factors: readonly FactorReading[]): Int32Array {
  if (ownerScratch.length < keys.length) ownerScratch = new Int32Array(keys.length * 2);
  let guess = 0;
  for (let j = 0; j < keys.length; j++) {
    const key = keys[j] as string;
    const dash = key.lastIndexOf('-');
    let owner = -1;
    if (dash >= 0) {
      for (let k = 0; k < factors.length; k++) {
        const i = (guess + k) % factors.length;
        const code = (factors[i] as FactorReading).code;
        if (code.length === dash && key.startsWith(code)) {
          owner = guess = i;
          break;
        }
      }
    }
    ownerScratch[j] = owner;
  }
  return ownerScratch;
}

/**
 * The upload's lines as UTF-8 bytes (one line per factor, or one trace line for an upload without factors),
 * newline-separated, with a millisecond timestamp (write with `precision=ms`), and the number of lines.
 * @throws LineProtocolError when a name cannot be represented (empty, or a backslash before a separator or at the end).
 */
export function uploadLineBytes(u: UploadRecord): { body: Buffer; lines: number } {
  if (!Number.isFinite(u.timeMs)) throw new LineProtocolError(`timestamp is not finite: ${u.timeMs}`);
  const time = String(Math.trunc(u.timeMs));
  const measurement = escapeMeasurement(u.kind);
  OUT.reset();
  const { factors } = u.cp;
  if (factors.length === 0) {
    // Heartbeats, restart notices and empty uploads still leave a trace that the collector spoke.
    OUT.text(measurement);
    tag(SCHEMA.mnTag, tagValue(u.mn));
    tag(SCHEMA.stTag, tagValue(u.st));
    OUT.byte(SPACE);
    stringField(SCHEMA.cn, u.cn, true);
    const params = paramsText(u.cp.params);
    if (params !== '') stringField(SCHEMA.params, params, false);
    OUT.byte(SPACE);
    OUT.text(time);
    return { body: OUT.copy(), lines: 1 };
  }
  const mn = tagValue(u.mn);
  const st = tagValue(u.st);
  const keys = Object.keys(u.wire);
  const values = Object.values(u.wire);
  const owner = owners(keys, factors);
  for (let i = 0; i < factors.length; i++) {
    const reading = factors[i] as FactorReading;
    if (i > 0) OUT.byte(NEWLINE);
    // Tag keys in sorted order (factor, mn, st), as InfluxDB's own clients send them.
    OUT.text(measurement);
    tag(SCHEMA.factorTag, tagValue(reading.code));
    tag(SCHEMA.mnTag, mn);
    tag(SCHEMA.stTag, st);
    OUT.byte(SPACE);
    readingFields(reading, i, keys, values, owner);
    OUT.byte(SPACE);
    OUT.text(time);
  }
  return { body: OUT.copy(), lines: factors.length };
}

/** {@link uploadLineBytes} as text (tests, the in-memory sink). */
export function uploadLines(u: UploadRecord): { text: string; lines: number } {
  const { body, lines } = uploadLineBytes(u);
  return { text: body.toString('utf8'), lines };
}
