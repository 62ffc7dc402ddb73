/**
 * The InfluxDB schema of readings, the one definition the gateway's upload mapping (src/storage/influx/upload-lines.ts), the back-fill
 * writer (src/ledgers/backfills.ts) and both readers (src/storage/influx/reading-rows.ts) use:
 *
 * - one measurement per data kind (MEASUREMENT_BY_CN),
 * - tags `mn`, `factor`, `st` (collector points) or `mn`, `factor`, `source=manual` (back-fills),
 * - float fields named by NUMERIC_FIELD_OF_CP, string fields by STRING_FIELD_OF_CP, the verbatim group in `raw`,
 * - boolean `invalid` (a value was not a number) and `rejected` (a back-fill a regulator rejected),
 * - `cn` and `params` on the one point an upload without factors leaves (heartbeats, restart notices).
 *
 * Field names and types are fixed here, never taken from the wire, so no collector can create a field of another
 * type under a name other collectors' readings use (a field type conflict makes InfluxDB refuse every later point
 * of that measurement in the shard).
 */
import type { FactorReading } from '../../protocol/index.js';

/** Data kind (= measurement) per upload CN. HJ212-2017 table 5, HJ212-2025 additions (2111, 9015). */
export const MEASUREMENT_BY_CN: Readonly<Record<string, string>> = {
  '2011': 'realtime',
  '2051': 'minute',
  '2061': 'hour',
  '2031': 'day',
  '2041': 'runtime',
  '2021': 'status',
  '2081': 'restart',
  '2111': 'five_minute',
  '9015': 'heartbeat',
};

/**
 * Data kinds (= measurements) that can be read back. HJ212-2017 table 5: 2011 realtime, 2051 minute,
 * 2061 hour, 2031 day, 2041 runtime, 2021 status; HJ212-2025: 2111 five_minute.
 */
export const DATA_KINDS = ['realtime', 'minute', 'hour', 'day', 'five_minute', 'runtime', 'status'] as const;
export type DataKind = (typeof DATA_KINDS)[number];

/** Kinds that carry pollutant values (the ones a monitoring item uploads). */
export const VALUE_KINDS = ['realtime', 'minute', 'hour', 'day', 'five_minute'] as const satisfies readonly DataKind[];
export type ValueKind = (typeof VALUE_KINDS)[number];

/** Tag keys. */
export const TAG = { mn: 'mn', factor: 'factor', st: 'st', source: 'source' } as const;

/** Value of the `source` tag on back-fills; collector points have no `source` tag. */
export const MANUAL_SOURCE = 'manual';

/** CP suffix (parsed FactorReading key) → float field name. HJ212-2017 6.6.3 table 7 suffixes in snake case. */
export const NUMERIC_FIELD_OF_CP = [
  ['rtd', 'rtd'],
  ['min', 'min'],
  ['avg', 'avg'],
  ['max', 'max'],
  ['zsRtd', 'zs_rtd'],
  ['zsMin', 'zs_min'],
  ['zsAvg', 'zs_avg'],
  ['zsMax', 'zs_max'],
  ['cou', 'cou'],
  ['rs', 'rs'],
  ['rt', 'rt'],
] as const satisfies ReadonlyArray<readonly [keyof FactorReading, string]>;

/** CP suffix (parsed FactorReading key) → string field name. HJ212-2017 6.6.3 table 7. */
export const STRING_FIELD_OF_CP = [
  ['flag', 'flag'],
  ['eflag', 'eflag'],
  ['sampleTime', 'sample_time'],
  ['info', 'info'],
] as const satisfies ReadonlyArray<readonly [keyof FactorReading, string]>;

/** Wire suffix of each float field, for the verbatim `raw` group of values not taken from the wire (back-fills). */
export const WIRE_SUFFIX = {
  rtd: 'Rtd', min: 'Min', avg: 'Avg', max: 'Max', zs_rtd: 'ZsRtd', zs_min: 'ZsMin', zs_avg: 'ZsAvg', zs_max: 'ZsMax', cou: 'Cou', rs: 'RS', rt: 'RT',
} as const;

/** Float fields, named as stored. */
export const NUMERIC_FIELDS = NUMERIC_FIELD_OF_CP.map(([, name]) => name);
export type NumericField = (typeof NUMERIC_FIELD_OF_CP)[number][1];

/** The verbatim `Key=value,...` group of a factor, as the collector sent it (string field). */
export const RAW_FIELD = 'raw';

/** String fields: data flag, extended flag, sample time, info and the verbatim group. */
export const TEXT_FIELDS = [...STRING_FIELD_OF_CP.map(([, name]) => name), RAW_FIELD] as const;
export type TextField = (typeof STRING_FIELD_OF_CP)[number][1] | typeof RAW_FIELD;

/** Boolean: the collector sent a non-number in a numeric field (kept verbatim in `raw`). */
export const INVALID_FIELD = 'invalid';
/** Boolean on every back-fill: a regulator rejected it. */
export const REJECTED_FIELD = 'rejected';
/** String fields of the point an upload without factors leaves: its CN and its parameters verbatim. */
export const CN_FIELD = 'cn';
export const PARAMS_FIELD = 'params';
