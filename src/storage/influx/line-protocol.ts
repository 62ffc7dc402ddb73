/**
 * InfluxDB line protocol (1.x and 2.x write APIs), pure. Escaping follows
 * https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/#special-characters:
 * measurement escapes comma and space; tag keys, tag values and field keys escape comma, equals and space;
 * string field values escape double quote and backslash. Numbers are always written as floats (no `i` suffix),
 * so a field never flips between integer and float and hits a "field type conflict".
 */
import type { SeriesPoint } from '../../domain/series-point.js';

/** A point that line protocol cannot represent (the whole write call should be rejected as permanent). */
export class LineProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineProtocolError';
  }
}

// A newline would end the line and let device-controlled text inject other points, so it is escaped like the
// official client does (influxdb-client-js `escape.tag`); 1.x then stores the two characters `\n` verbatim.
const MEASUREMENT_SPECIAL = /[, \n\r\t]/;
const MEASUREMENT_ALL = /[, \n\r\t]/g;
const KEY_SPECIAL = /[,= \n\r\t]/;
const KEY_ALL = /[,= \n\r\t]/g;
const STRING_SPECIAL = /["\\]/;
const STRING_ALL = /["\\]/g;
const CONTROL: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
// Line protocol has no escape for a backslash: one before a special character (or at the end, before the
// separator we add) turns into an escape on the server side and corrupts the line.
const UNREPRESENTABLE = /\\([,= \n\r\t]|$)/;

function escapeChar(ch: string): string {
  return CONTROL[ch] ?? `\\${ch}`;
}

function checkName(name: string, what: string): void {
  if (name === '') throw new LineProtocolError(`empty ${what}`);
  if (UNREPRESENTABLE.test(name)) throw new LineProtocolError(`${what} has a backslash before a separator: ${JSON.stringify(name)}`);
}

export function escapeMeasurement(name: string): string {
  checkName(name, 'measurement');
  return MEASUREMENT_SPECIAL.test(name) ? name.replace(MEASUREMENT_ALL, escapeChar) : name;
}

// Tag keys, tag values and field keys repeat on every point (mn, factor codes, rtd, flag ...): their escaped forms are
// kept, which saves two regular-expression tests per name on the per-frame path.
const escapedKeys = new Map<string, string>();
const MAX_ESCAPED_KEYS = 20_000;

export function escapeKey(name: string, what: string): string {
  const known = escapedKeys.get(name);
  if (known !== undefined) return known;
  checkName(name, what);
  const escaped = KEY_SPECIAL.test(name) ? name.replace(KEY_ALL, escapeChar) : name;
  if (escapedKeys.size >= MAX_ESCAPED_KEYS) escapedKeys.clear();
  escapedKeys.set(name, escaped);
  return escaped;
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}

function formatField(value: number | string | boolean): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    // String(n) never adds `i`; 1e+21 and 1.5e-7 are accepted by the 1.x and 2.x parsers (checked against 1.6.7).
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return formatString(value);
}

/** A string field value, quoted and escaped. */
export function formatString(value: string): string {
  return STRING_SPECIAL.test(value) ? `"${value.replace(STRING_ALL, '\\$&')}"` : `"${value}"`;
}

function formatTags(tags: Record<string, string>): string {
  const keys = Object.keys(tags);
  // Sorted tag keys are what InfluxDB's own clients send; it saves the server a sort per point.
  if (!isSorted(keys)) keys.sort();
  let out = '';
  for (const key of keys) {
    const value = tags[key];
    // An empty tag value is invalid in line protocol and means the same as an absent tag when querying.
    if (value === undefined || value === '') continue;
    out += `,${escapeKey(key, 'tag key')}=${escapeKey(value, 'tag value')}`;
  }
  return out;
}

function formatFields(fields: SeriesPoint['fields']): string {
  let out = '';
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value === undefined) continue;
    const formatted = formatField(value);
    if (formatted === undefined) continue;
    out += `${out === '' ? '' : ','}${escapeKey(key, 'field key')}=${formatted}`;
  }
  return out;
}

/**
 * One point as a line of line protocol with a millisecond timestamp (write with `precision=ms`).
 * Non-finite numeric fields are left out; returns undefined when no field is left (nothing to store).
 * @throws LineProtocolError when a name cannot be represented (empty, or a backslash before a separator or at the end).
 */
export function toLine(point: SeriesPoint): string | undefined {
  if (!Number.isFinite(point.timeMs)) throw new LineProtocolError(`timestamp is not finite: ${point.timeMs}`);
  const fields = formatFields(point.fields);
  if (fields === '') return undefined;
  return `${escapeMeasurement(point.measurement)}${formatTags(point.tags)} ${fields} ${Math.trunc(point.timeMs)}`;
}

/**
 * Points as a line-protocol body, newline-separated; points with nothing to store are skipped.
 * @throws LineProtocolError as {@link toLine}.
 */
export function toLines(points: readonly SeriesPoint[]): string {
  let out = '';
  for (const point of points) {
    const line = toLine(point);
    if (line === undefined) continue;
    out += out === '' ? line : `\n${line}`;
  }
  return out;
}
