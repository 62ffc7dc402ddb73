/**
 * InfluxQL reads over HTTP `/query?db=..&epoch=ms`. InfluxDB 1.x answers it natively; 2.x/3.x answer the same
 * endpoint when the bucket has a DBRP mapping, with `Authorization: Token`. Times come back as epoch milliseconds.
 */
import type { InfluxConfig } from '../../config.js';
import { errorMessageOf, InfluxQueryError } from './errors.js';
import { authHeaders, createInfluxHttp, describeNetworkError, endpoint, type HttpAnswer } from './http.js';

/** One series of a query result, as InfluxDB returns it (`time` is the first column, epoch ms). */
export interface Series {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

/** InfluxQL client for the configured database / bucket. */
export interface InfluxQuery {
  /**
   * Run one or more `;`-separated statements and return the series of all of them in order.
   * @throws InfluxQueryError with InfluxDB's message (HTTP error or a statement error) or when there is no answer.
   */
  query(influxql: string): Promise<Series[]>;
  /** True when the server answers /ping with 2xx. */
  ping(): Promise<boolean>;
}

interface QueryBody {
  error?: string;
  results?: Array<{ error?: string; series?: Series[] }>;
}

/**
 * Quote an identifier (measurement, tag key, field key, database) for InfluxQL: `"..."` with `\` and `"` escaped.
 */
export function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * Quote a string literal for InfluxQL: `'...'` with `\`, `'` and newline escaped (the InfluxQL scanner rejects a raw
 * newline inside a string and understands exactly these escapes).
 */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function parseAnswer(answer: HttpAnswer): Series[] {
  let body: QueryBody;
  try {
    body = JSON.parse(answer.body) as QueryBody;
  } catch {
    throw new InfluxQueryError(`InfluxDB ${answer.status}: ${errorMessageOf(answer.body)}`, answer.status);
  }
  if (answer.status !== 200 || body.error !== undefined) {
    throw new InfluxQueryError(`InfluxDB ${answer.status}: ${body.error ?? errorMessageOf(answer.body)}`, answer.status);
  }
  const series: Series[] = [];
  for (const result of body.results ?? []) {
    if (result.error !== undefined) throw new InfluxQueryError(result.error, answer.status);
    if (result.series) series.push(...result.series);
  }
  return series;
}

/** Create an InfluxQL client; `timeoutMs` (default 30 000) bounds each request. */
export function createInfluxQuery(config: InfluxConfig, options: { timeoutMs?: number } = {}): InfluxQuery {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const auth = authHeaders(config);
  const rp = config.kind === 'v1' ? config.retentionPolicy : undefined;
  const db = config.kind === 'v1' ? config.database : config.bucket;
  const queryUrl = endpoint(config.url, '/query', { db, rp, epoch: 'ms' });
  const pingUrl = endpoint(config.url, '/ping', {});
  // No gzip: InfluxDB sits next to the API, where inflating answers costs the API more CPU than the bandwidth it
  // saves is worth (and InfluxDB pays for compressing them).
  const headers = { ...auth, 'content-type': 'application/x-www-form-urlencoded', 'accept-encoding': 'identity' };
  const client = createInfluxHttp();

  return {
    async query(influxql) {
      let answer: HttpAnswer;
      try {
        // POST: every statement kind is allowed and long WHERE clauses do not hit URL length limits.
        answer = await client.post(queryUrl, new URLSearchParams({ q: influxql }).toString(), headers, timeoutMs);
      } catch (err) {
        throw new InfluxQueryError(`no answer from InfluxDB: ${describeNetworkError(err)}`, undefined, { cause: err });
      }
      return parseAnswer(answer);
    },
    async ping() {
      try {
        const answer = await client.get(pingUrl, auth, timeoutMs);
        return answer.status >= 200 && answer.status < 300;
      } catch {
        return false;
      }
    },
  };
}
