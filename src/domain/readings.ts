/**
 * Readings as the portals see them, and the ReadingQuery port the API reads them through. The InfluxDB schema they
 * are stored in (measurements, tags, fields) is src/domain/reading-schema.ts.
 */
export { DATA_KINDS, NUMERIC_FIELDS, TEXT_FIELDS, VALUE_KINDS, type DataKind, type NumericField, type TextField, type ValueKind } from './reading-schema.js';
import type { DataKind, NumericField, TextField } from './reading-schema.js';

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
