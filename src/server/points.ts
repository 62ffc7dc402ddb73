/**
 * Maps a parsed upload to InfluxDB points (schema in src/domain/reading-schema.ts): one measurement per data kind,
 * tags mn / factor / st, numeric fields for values, string fields for flags and the verbatim group.
 *
 * Field names and types are fixed, never taken from the wire: a CP key becomes a field only through the schema's
 * suffix tables, numeric fields are always floats and only hold values that are numbers, and parameters without a
 * factor suffix (`BeginTime=…`, or hostile `avg=x`) go verbatim into the one string field `params`. So no collector
 * can create a field of another type under a name other collectors' readings use (a "field type conflict" would make
 * InfluxDB refuse every later reading of that measurement in the shard, issue 11 finding 2).
 */
import { isNumber, type CpData, type FactorReading, type Packet } from '../../protocol/index.js';
import type { Point } from '../domain/point.js';
import { MEASUREMENT_BY_CN, NUMERIC_FIELD_OF_CP as NUMERIC_FIELDS, STRING_FIELD_OF_CP as STRING_FIELDS } from '../domain/reading-schema.js';
import type { IngestEvent, LatestEntry } from '../domain/ports.js';

/** Data kind (= measurement) per upload CN (schema in src/domain/reading-schema.ts). */
export const KIND_BY_CN = MEASUREMENT_BY_CN;

/** Every CP suffix the latest-value entry keeps, numeric then string. */
const ALL_FIELDS = [...NUMERIC_FIELDS, ...STRING_FIELDS];

export interface MappedUpload {
  points: Point[];
  latest: LatestEntry[];
  event: IngestEvent;
}

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

function readingFields(reading: FactorReading, raw: string): Point['fields'] {
  const fields: Point['fields'] = {};
  for (const [key, name] of NUMERIC_FIELDS) {
    const v = reading[key];
    if (typeof v !== 'string') continue;
    // A non-number (`***`, `NaN`, `x`) is not written: it is kept verbatim in `raw` and marks the reading invalid.
    if (!isNumber(v)) continue;
    const n = Number(v);
    if (Number.isFinite(n)) fields[name] = n;
  }
  for (const [key, name] of STRING_FIELDS) {
    const v = reading[key];
    if (typeof v === 'string') fields[name] = v;
  }
  fields.raw = raw;
  if (!reading.valid) fields.invalid = true;
  return fields;
}

/**
 * Points for one upload. `timeMs` is DataTime in the device's zone, or the receive time when the
 * frame has none (some realtime uploads and every heartbeat).
 */
export function mapUpload(packet: Packet, cp: CpData, kind: string, mn: string, receivedAt: number): MappedUpload {
  const timeMs = cp.dataTimeMs ?? receivedAt;
  const st = packet.st ?? '';
  const points: Point[] = [];
  const latest: LatestEntry[] = [];
  const raw = cp.factors.length > 0 ? rawGroups(packet.cp) : undefined;
  for (const reading of cp.factors) {
    const fields = readingFields(reading, raw?.get(reading.code) ?? '');
    // Tag keys in sorted order, as line protocol wants them (no sort per point).
    points.push({ measurement: kind, tags: { factor: reading.code, mn, st }, fields, timeMs });
    const values: Record<string, string> = {};
    for (const [key, name] of ALL_FIELDS) {
      const v = reading[key];
      if (typeof v === 'string') values[name] = v;
    }
    latest.push({ mn, factor: reading.code, kind, timeMs, values });
  }
  if (points.length === 0) {
    // Heartbeats, restart notices and empty uploads still leave a trace that the collector spoke.
    const fields: Point['fields'] = { cn: packet.cn };
    const params = paramsText(cp.params);
    if (params !== '') fields.params = params;
    points.push({ measurement: kind, tags: { mn, st }, fields, timeMs });
  }
  return { points, latest, event: { mn, kind, timeMs } };
}
