/**
 * Readings as the portals see them, and the ReadingQuery port the API reads them through. The InfluxDB schema they
 * come from is written by the gateway (src/server/points.ts): one measurement per data kind, tags `mn`, `factor`,
 * `st`, numeric value fields, string flag fields, the verbatim group in `raw`, and `invalid` when a value was not a
 * number.
 */

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
}

/**
 * Where a page ends: the time of its last reading and how many readings at that time it already holds, so the next
 * page resumes exactly after it even when many readings share one timestamp.
 */
export interface ReadingPosition {
  timeMs: number;
  skip: number;
}

/** Read access to stored readings. */
export interface ReadingQuery {
  /** Readings matching the filter, ascending by time (ties in a stable order), at most `limit`, resuming after `after`. */
  find(filter: ReadingFilter, page: { limit: number; after?: ReadingPosition }): Promise<Reading[]>;
  /** The newest reading per kind and factor of one collector, over the given kinds. */
  latest(mn: string, kinds: readonly DataKind[]): Promise<Reading[]>;
}
