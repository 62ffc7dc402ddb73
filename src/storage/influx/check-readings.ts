/**
 * ReadingReader of the checks pipeline over InfluxQL: the readings the gateway wrote (src/server/points.ts schema: one measurement per data
 * kind, tags mn / factor / st, numeric and string fields) plus manual back-fills (tag source=manual, flag S).
 */
import type { CheckKind, ReadingReader, ReadingRow } from '../../domain/ledgers.js';
import { NUMERIC_FIELDS } from '../../domain/readings.js';
import { quoteIdent, quoteString, type InfluxQuery, type Series } from './query.js';

/** Tag value of manual back-fill points (tag key `source`). */
export const MANUAL_SOURCE = 'manual';

function rowsOf(series: Series): ReadingRow[] {
  const col = new Map(series.columns.map((c, i) => [c, i]));
  const rows: ReadingRow[] = [];
  for (const v of series.values) {
    const at = (name: string): unknown => {
      const i = col.get(name);
      return i === undefined ? undefined : v[i];
    };
    const factor = at('factor') ?? series.tags?.factor;
    if (typeof factor !== 'string' || factor === '') continue;
    const values: ReadingRow['values'] = {};
    for (const f of NUMERIC_FIELDS) {
      const n = at(f);
      if (typeof n === 'number') values[f] = n;
    }
    const flag = at('flag');
    const eflag = at('eflag');
    rows.push({
      factor,
      timeMs: Number(at('time')),
      manual: (at('source') ?? series.tags?.source) === MANUAL_SOURCE,
      values,
      flag: typeof flag === 'string' ? flag : undefined,
      eflag: typeof eflag === 'string' ? eflag : undefined,
      invalid: at('invalid') === true,
      rejected: at('rejected') === true,
    });
  }
  return rows;
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
