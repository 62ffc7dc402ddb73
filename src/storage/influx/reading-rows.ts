/**
 * The one mapper from InfluxQL answers to readings (schema in src/domain/reading-schema.ts), used by the API's
 * ReadingQuery (readings.ts) and the checks' ReadingReader (check-readings.ts). Tag values come from the row's
 * columns (`SELECT "mn", …` or `SELECT *`) or, with GROUP BY, from the series' tags.
 */
import { INVALID_FIELD, MANUAL_SOURCE, NUMERIC_FIELDS, REJECTED_FIELD, TAG, TEXT_FIELDS, type NumericField, type TextField } from '../../domain/reading-schema.js';
import type { Series } from './query.js';

/** One stored reading of one factor, as the schema holds it. */
export interface StoredReading {
  /** The measurement (data kind) it was read from. */
  measurement: string;
  timeMs: number;
  mn: string;
  factor: string;
  /** System code; absent when empty (back-fills have none). */
  st?: string;
  /** Tag source=manual. */
  manual: boolean;
  numeric: Partial<Record<NumericField, number>>;
  text: Partial<Record<TextField, string>>;
  invalid: boolean;
  rejected: boolean;
}

const NUMERIC = new Set<string>(NUMERIC_FIELDS);
const TEXT = new Set<string>(TEXT_FIELDS);
const TAG_KEYS = new Set<string>(Object.values(TAG));

/** Every reading of a series; rows without a factor (uploads without factors) are left out. */
export function storedReadings(series: Series, fallbackTags: Readonly<Record<string, string>> = {}): StoredReading[] {
  const { columns } = series;
  const out: StoredReading[] = [];
  for (const row of series.values) {
    const tags: Record<string, unknown> = { ...fallbackTags, ...series.tags };
    const reading: StoredReading = { measurement: series.name, timeMs: Number(row[0]), mn: '', factor: '', manual: false, numeric: {}, text: {}, invalid: false, rejected: false };
    for (let i = 1; i < columns.length; i++) {
      const column = columns[i] as string;
      const value = row[i];
      if (value === null || value === undefined) continue;
      if (TAG_KEYS.has(column)) tags[column] = value;
      else if (column === INVALID_FIELD) reading.invalid = value === true;
      else if (column === REJECTED_FIELD) reading.rejected = value === true;
      else if (NUMERIC.has(column) && typeof value === 'number') reading.numeric[column as NumericField] = value;
      else if (TEXT.has(column) && typeof value === 'string') reading.text[column as TextField] = value;
    }
    reading.factor = typeof tags[TAG.factor] === 'string' ? (tags[TAG.factor] as string) : '';
    if (reading.factor === '') continue;
    reading.mn = String(tags[TAG.mn] ?? '');
    const st = tags[TAG.st];
    if (typeof st === 'string' && st !== '') reading.st = st;
    reading.manual = tags[TAG.source] === MANUAL_SOURCE;
    out.push(reading);
  }
  return out;
}
