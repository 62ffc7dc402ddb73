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
import { LineProtocolError, escapeKey, escapeMeasurement, formatString } from './line-protocol.js';

/** Tag and field names of the schema (src/domain/reading-schema.ts) that are not taken from the suffix tables. */
const SCHEMA = { factorTag: TAG.factor, mnTag: TAG.mn, stTag: TAG.st, raw: RAW_FIELD, invalid: INVALID_FIELD, cn: CN_FIELD, params: PARAMS_FIELD } as const;

/**
 * The verbatim group of each factor as the collector sent it, in wire order, e.g. `Cou=1.23,Min=20.1,Flag=N`, so
 * nothing the device said is lost or reordered. CP keys keep their wire order (`Packet.cp`); a key `code-Suffix`
 * belongs to the factor before its last `-`, as in `readCp` (HJ212-2017 6.6.3).
 */
function rawGroups(cp: Readonly<Record<string, string>>): Map<string, string> {
  const groups = new Map<string, string>();
  for (const key of Object.keys(cp)) {
    const dash = key.lastIndexOf('-');
    if (dash < 0) continue;
    const code = key.slice(0, dash);
    const pair = `${key.slice(dash + 1)}=${cp[key]!}`;
    const before = groups.get(code);
    groups.set(code, before === undefined ? pair : `${before},${pair}`);
  }
  return groups;
}

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

function numberText(v: string): string | undefined {
  const plain = plainDecimal(v);
  if (plain !== undefined) return plain;
  // A non-number (`***`, `NaN`, `x`) is not written: it is kept verbatim in `raw` and marks the reading invalid.
  if (!isNumber(v)) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) return undefined;
  // Always a float (no `i`): a field never flips between integer and float. 1e+21 and 1.5e-7 parse in 1.x and 2.x.
  return Object.is(n, -0) ? '0' : String(n);
}

function readingFields(reading: FactorReading, raw: string): string {
  let out = '';
  for (const [key, name] of NUMERIC_FIELDS) {
    const v = reading[key];
    if (typeof v !== 'string') continue;
    const text = numberText(v);
    if (text !== undefined) out += `${out === '' ? '' : ','}${name}=${text}`;
  }
  for (const [key, name] of STRING_FIELDS) {
    const v = reading[key];
    if (typeof v === 'string') out += `${out === '' ? '' : ','}${name}=${formatString(v)}`;
  }
  out += `${out === '' ? '' : ','}${SCHEMA.raw}=${formatString(raw)}`;
  if (!reading.valid) out += `,${SCHEMA.invalid}=true`;
  return out;
}

/** ` st=<st>` tag text (sorted after factor and mn), empty when the frame had no ST. */
const tagText = (name: string, value: string, what: string): string => (value === '' ? '' : `,${name}=${escapeKey(value, what)}`);

/**
 * The upload's lines (one per factor, or one trace line for an upload without factors), newline-separated, with a
 * millisecond timestamp (write with `precision=ms`) and the number of lines.
 * @throws LineProtocolError when a name cannot be represented (empty, or a backslash before a separator or at the end).
 */
export function uploadLines(u: UploadRecord): { text: string; lines: number } {
  if (!Number.isFinite(u.timeMs)) throw new LineProtocolError(`timestamp is not finite: ${u.timeMs}`);
  const time = ` ${Math.trunc(u.timeMs)}`;
  const measurement = escapeMeasurement(u.kind);
  const tail = `${tagText(SCHEMA.mnTag, u.mn, 'tag value')}${tagText(SCHEMA.stTag, u.st, 'tag value')}`;
  const { factors } = u.cp;
  if (factors.length === 0) {
    // Heartbeats, restart notices and empty uploads still leave a trace that the collector spoke.
    const params = paramsText(u.cp.params);
    const fields = `${SCHEMA.cn}=${formatString(u.cn)}${params === '' ? '' : `,${SCHEMA.params}=${formatString(params)}`}`;
    return { text: `${measurement}${tail} ${fields}${time}`, lines: 1 };
  }
  const raw = rawGroups(u.wire);
  let text = '';
  for (const reading of factors) {
    // Tag keys in sorted order (factor, mn, st), as InfluxDB's own clients send them.
    const line = `${measurement}${tagText(SCHEMA.factorTag, reading.code, 'tag value')}${tail} ${readingFields(reading, raw.get(reading.code) ?? '')}${time}`;
    text += text === '' ? line : `\n${line}`;
  }
  return { text, lines: factors.length };
}
