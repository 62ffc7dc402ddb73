/**
 * ReadingReader of the checks pipeline over InfluxQL: the readings the gateway wrote plus manual back-fills (tag
 * source=manual, flag S), schema in src/domain/reading-schema.ts.
 */
import type { CheckKind, ReadingReader, ReadingRow } from '../../domain/ledgers.js';
import { quoteIdent, quoteString, type InfluxQuery, type Series } from './query.js';
import { storedReadings } from './reading-rows.js';

function rowsOf(series: Series): ReadingRow[] {
  return storedReadings(series).map((r) => ({
    factor: r.factor,
    timeMs: r.timeMs,
    manual: r.manual,
    values: r.numeric,
    flag: r.text.flag,
    eflag: r.text.eflag,
    invalid: r.invalid,
    rejected: r.rejected,
  }));
}

/** Reader over an InfluxQL client; a database or measurement that does not exist yet reads as empty. */
export function createInfluxCheckReadings(influx: InfluxQuery): ReadingReader {
  return {
    async read(mn: string, kind: CheckKind, fromMs: number, toMs: number, factor?: string) {
      const where = [`"mn" = ${quoteString(mn)}`, `time >= ${Math.floor(fromMs)}ms`, `time < ${Math.ceil(toMs)}ms`];
      if (factor !== undefined) where.push(`"factor" = ${quoteString(factor)}`);
      let series: Series[];
      try {
        series = await influx.query(`SELECT * FROM ${quoteIdent(kind)} WHERE ${where.join(' AND ')}`);
      } catch (err) {
        if (err instanceof Error && /database not found/.test(err.message)) return [];
        throw err;
      }
      return series.flatMap(rowsOf).sort((a, b) => a.timeMs - b.timeMs || a.factor.localeCompare(b.factor));
    },
  };
}
