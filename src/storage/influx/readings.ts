/**
 * ReadingQuery over InfluxQL (`/query`, which InfluxDB 1.x, 2.x with a DBRP mapping and 3.x all answer). Every user
 * value goes into the statement through quoteString / quoteIdent; numbers are integers produced by this module.
 */
import { DATA_KINDS, INVALID_FIELD, MANUAL_SOURCE, NUMERIC_FIELDS, REJECTED_FIELD, TAG, TEXT_FIELDS, type DataKind } from '../../domain/reading-schema.js';
import { compareReadings, type Reading, type ReadingFilter, type ReadingQuery } from '../../domain/readings.js';
import { quoteIdent, quoteString, type InfluxQuery, type Series } from './query.js';
import { storedReadings } from './reading-rows.js';

/** Value columns selected, in output order; `invalid` is the boolean the gateway sets for non-numeric values. */
const VALUE_COLUMNS = [...NUMERIC_FIELDS, ...TEXT_FIELDS, INVALID_FIELD, REJECTED_FIELD];
const SELECT_VALUES = VALUE_COLUMNS.map(quoteIdent).join(', ');
const KINDS = new Set<string>(DATA_KINDS);
/** Collector points, and manual points not rejected (a manual point always has the boolean field `rejected`). */
const NOT_REJECTED = `(${quoteIdent(TAG.source)} != ${quoteString(MANUAL_SOURCE)} OR ${quoteIdent(REJECTED_FIELD)} = false)`;

/** `("tag" = 'a' OR "tag" = 'b')`. */
function anyOf(tag: string, values: readonly string[]): string {
  return `(${values.map((v) => `${quoteIdent(tag)} = ${quoteString(v)}`).join(' OR ')})`;
}

function checkInteger(name: string, n: number): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be an integer, got ${n}`);
  return n;
}

/**
 * Build a statement for {@link ReadingQuery.find}: readings with `fromMs <= time < toMs`, by time, at most `limit`
 * (no limit when absent). Exported for tests of the quoting.
 */
export function buildFindStatement(filter: ReadingFilter, window: { fromMs: number; toMs: number; limit?: number }): string {
  if (filter.mns.length === 0) throw new RangeError('at least one MN is needed');
  const where = [anyOf('mn', filter.mns)];
  // Uploads without factors (empty realtime frames) are stored without a factor tag; they are not readings.
  where.push(filter.factors && filter.factors.length > 0 ? anyOf('factor', filter.factors) : `${quoteIdent('factor')} != ''`);
  where.push(`time >= ${checkInteger('fromMs', window.fromMs)}ms`, `time < ${checkInteger('toMs', window.toMs)}ms`);
  // Rejected back-fills stay stored (marked rejected=true, never deleted) but are not data unless asked for.
  if (!filter.includeRejected) where.push(NOT_REJECTED);
  const limit = window.limit === undefined ? '' : ` LIMIT ${checkInteger('limit', window.limit)}`;
  return `SELECT "mn", "factor", "st", "source", ${SELECT_VALUES} FROM ${quoteIdent(filter.kind)} WHERE ${where.join(' AND ')} ORDER BY time ASC${limit}`;
}

/** Build the statement of {@link ReadingQuery.latest}: the newest row of every factor series, one per kind. */
export function buildLatestStatement(mn: string, kinds: readonly DataKind[]): string {
  const from = kinds.map(quoteIdent).join(', ');
  return `SELECT "st", "source", ${SELECT_VALUES} FROM ${from} WHERE "mn" = ${quoteString(mn)} AND "factor" != '' AND ${NOT_REJECTED} GROUP BY "factor" ORDER BY time DESC LIMIT 1`;
}

/** Readings of one series (of a readable data kind). */
function toReadings(series: Series, fallback: Record<string, string>): Reading[] {
  if (!KINDS.has(series.name)) return [];
  const kind = series.name as DataKind;
  return storedReadings(series, fallback).map((r) => {
    const reading: Reading = { kind, timeMs: r.timeMs, mn: r.mn, factor: r.factor, invalid: r.invalid, source: r.manual ? 'manual' : 'collector', rejected: r.rejected, ...r.numeric, ...r.text };
    if (r.st !== undefined) reading.st = r.st;
    return reading;
  });
}

/**
 * Create the InfluxQL-backed ReadingQuery. InfluxDB orders readings that share a timestamp differently from one
 * query to the next, so `find` never lets a page end inside a timestamp it has not read completely: the readings of
 * the page's last timestamp (and of the cursor's) are read whole (one per series at most) and sorted here.
 */
export function createInfluxReadings(influx: InfluxQuery): ReadingQuery {
  async function select(filter: ReadingFilter, window: { fromMs: number; toMs: number; limit?: number }): Promise<Reading[]> {
    const series = await influx.query(buildFindStatement(filter, window));
    return series.flatMap((s) => toReadings(s, {})).sort(compareReadings);
  }
  /** Every reading within the millisecond `timeMs`. */
  const instant = (filter: ReadingFilter, timeMs: number): Promise<Reading[]> => select(filter, { fromMs: timeMs, toMs: timeMs + 1 });

  return {
    async find(filter, { limit, after }) {
      const page: Reading[] = [];
      let fromMs = filter.fromMs;
      if (after) {
        page.push(...(await instant(filter, after.timeMs)).filter((r) => compareReadings(r, after) > 0).slice(0, limit));
        if (page.length >= limit) return page;
        fromMs = Math.max(fromMs, after.timeMs + 1);
      }
      if (fromMs >= filter.toMs) return page;
      const want = limit - page.length;
      const rest = await select(filter, { fromMs, toMs: filter.toMs, limit: want });
      if (rest.length < want) return [...page, ...rest];
      // A full answer may have cut the last timestamp short: keep whole timestamps, then read the last one whole.
      const lastMs = (rest[rest.length - 1] as Reading).timeMs;
      const whole = rest.filter((r) => r.timeMs < lastMs);
      return [...page, ...whole, ...(await instant(filter, lastMs))].slice(0, limit);
    },
    async latest(mn, kinds) {
      if (kinds.length === 0) return [];
      const series = await influx.query(buildLatestStatement(mn, kinds));
      return series.flatMap((s) => toReadings(s, { mn }));
    },
  };
}
