/**
 * Readings as the portals see them, and the ReadingQuery port the API reads them through. The InfluxDB schema they
 * come from is written by the storage's upload mapping (src/storage/influx/upload-lines.ts): one measurement per data kind, tags `mn`, `factor`,
 * `st`, numeric value fields, string flag fields, the verbatim group in `raw`, and `invalid` when a value was not a
 * number.
 */
import type { FactorReading } from '../../protocol/index.js';

/**
 * Data kinds (= InfluxDB measurements) that can be read back. HJ212-2017 table 5: 2011 realtime, 2051 minute,
 * 2061 hour, 2031 day, 2041 runtime, 2021 status; HJ212-2025: 2111 five_minute.
 */
export const DATA_KINDS = ['realtime', 'minute', 'hour', 'day', 'five_minute', 'runtime', 'status'] as const;
export type DataKind = (typeof DATA_KINDS)[number];

/** Kinds that carry pollutant values (the ones a monitoring item uploads). */
export const VALUE_KINDS = ['realtime', 'minute', 'hour', 'day', 'five_minute'] as const satisfies readonly DataKind[];
export type ValueKind = (typeof VALUE_KINDS)[number];

/** Numeric fields, named as stored (HJ212-2017 6.6.3 table 7 suffixes in snake case). */
export const NUMERIC_FIELDS = ['rtd', 'min', 'avg', 'max', 'zs_rtd', 'zs_min', 'zs_avg', 'zs_max', 'cou', 'rs', 'rt'] as const;
export type NumericField = (typeof NUMERIC_FIELDS)[number];

/** Text fields: data flag, extended flag, sample time, info and the verbatim `Key=value,...` group. */
export const TEXT_FIELDS = ['flag', 'eflag', 'sample_time', 'info', 'raw'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** CP suffix (a FactorReading key) → numeric field name. HJ212-2017 6.6.3 table 7. */
export const NUMERIC_SUFFIXES: ReadonlyArray<readonly [keyof FactorReading, NumericField]> = [
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
];

/** CP suffix → text field name (the verbatim group `raw` has no suffix). */
export const TEXT_SUFFIXES: ReadonlyArray<readonly [keyof FactorReading, TextField]> = [
  ['flag', 'flag'],
  ['eflag', 'eflag'],
  ['sampleTime', 'sample_time'],
  ['info', 'info'],
];

/** Who a reading comes from. */
export const READING_SOURCES = ['collector', 'manual'] as const;
export type ReadingSource = (typeof READING_SOURCES)[number];

/** One factor's values at one time from one collector. Absent fields were not sent. */
export type Reading = {
  kind: DataKind;
  /** DataTime as epoch milliseconds (UTC). */
  timeMs: number;
  mn: string;
  factor: string;
  /** System code (ST) of the frame. */
  st?: string;
  /** True when the collector sent a value that is not a number (kept verbatim in `raw`). */
  invalid: boolean;
  /** `collector`: uploaded by the collector; `manual`: a back-fill (数据录入, InfluxDB tag source=manual, flag S). */
  source: ReadingSource;
  /** A manual value a regulator rejected in review (left out of answers unless asked for). */
  rejected: boolean;
} & Partial<Record<NumericField, number>> &
  Partial<Record<TextField, string>>;

/** What to read: one kind, one or more collectors, optionally some factors, in `[fromMs, toMs)`. */
export interface ReadingFilter {
  kind: DataKind;
  mns: readonly string[];
  /** All factors when absent or empty. */
  factors?: readonly string[];
  fromMs: number;
  toMs: number;
  /** Also return manual values a regulator rejected (default: left out). */
  includeRejected?: boolean;
}

/**
 * Readings are ordered by time, then collector, factor and system code; this is the key of the last reading of a
 * page, after which the next page starts. InfluxDB itself does not order readings that share a timestamp
 * consistently between queries, so the order is imposed by the implementation.
 */
export interface ReadingPosition {
  timeMs: number;
  mn: string;
  factor: string;
  st: string;
}

/** Total order of readings: time, MN, factor, system code. */
export function compareReadings(a: ReadingPosition | Reading, b: ReadingPosition | Reading): number {
  return a.timeMs - b.timeMs || cmp(a.mn, b.mn) || cmp(a.factor, b.factor) || cmp(a.st ?? '', b.st ?? '');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Read access to stored readings. */
export interface ReadingQuery {
  /** Readings matching the filter in {@link compareReadings} order, at most `limit`, strictly after `after`. */
  find(filter: ReadingFilter, page: { limit: number; after?: ReadingPosition }): Promise<Reading[]>;
  /** The newest reading per kind and factor of one collector, over the given kinds. */
  latest(mn: string, kinds: readonly DataKind[]): Promise<Reading[]>;
}
