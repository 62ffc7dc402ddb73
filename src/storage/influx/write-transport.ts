/**
 * How the group-commit writer reaches InfluxDB: `POST /write?db=&rp=&precision=ms` on 1.x (which has no
 * /api/v2/write) or `POST /api/v2/write?org=&bucket=&precision=ms` on 2.x/3.x, both through the one HTTP client
 * (http.ts), plus `CREATE DATABASE` through `/query` on 1.x.
 */
import type { InfluxConfig } from '../../config.js';
import { classifyWriteStatus, errorMessageOf, InfluxWriteError } from './errors.js';
import { authHeaders, createInfluxHttp, describeNetworkError, endpoint, type HttpAnswer, type InfluxHttp } from './http.js';
import { quoteIdent } from './query.js';

/** Sends one line-protocol body; retry, batching and acknowledgement are the writer's business. */
export interface WriteTransport {
  /**
   * POST the UTF-8 line-protocol body with millisecond precision; resolves on a 2xx answer.
   * @throws InfluxWriteError whose `kind` decides what the writer does next.
   */
  write(body: Buffer): Promise<void>;
  /** Create the target database if it is missing (1.x only; 2.x buckets are provisioned by operators). */
  ensureDatabase?(): Promise<void>;
  /** Where writes go, for logs. */
  readonly target: string;
}

/** A transport for the configured family, database / bucket and retention policy. */
export function createWriteTransport(config: InfluxConfig, timeoutMs: number, client: InfluxHttp = createInfluxHttp()): WriteTransport {
  const auth = authHeaders(config);
  const writeHeaders = { ...auth, 'content-type': 'text/plain; charset=utf-8' };

  async function send(url: string, body: string | Buffer, headers: Record<string, string>): Promise<HttpAnswer> {
    try {
      return await client.post(url, body, headers, timeoutMs);
    } catch (err) {
      throw new InfluxWriteError(`no answer from InfluxDB: ${describeNetworkError(err)}`, 'transient', undefined, { cause: err });
    }
  }

  if (config.kind === 'v2') {
    const writeUrl = endpoint(config.url, '/api/v2/write', { org: config.org, bucket: config.bucket, precision: 'ms' });
    return {
      target: `${config.url} org=${config.org} bucket=${config.bucket}`,
      async write(body) {
        const answer = await send(writeUrl, body, writeHeaders);
        if (answer.status >= 200 && answer.status < 300) return;
        // 2.x answers a missing bucket with 404 too; unlike a 1.x database it is not created here (needs org
        // rights), so it stays transient: points wait, an operator creates the bucket.
        const kind = answer.status === 404 ? 'transient' : classifyWriteStatus(answer.status, answer.body);
        throw new InfluxWriteError(`InfluxDB ${answer.status}: ${errorMessageOf(answer.body)}`, kind, answer.status);
      },
    };
  }

  const writeUrl = endpoint(config.url, '/write', { db: config.database, rp: config.retentionPolicy, precision: 'ms' });
  const queryUrl = endpoint(config.url, '/query', {});
  const queryHeaders = { ...auth, 'content-type': 'application/x-www-form-urlencoded' };
  return {
    target: `${config.url} db=${config.database}${config.retentionPolicy ? ` rp=${config.retentionPolicy}` : ''}`,
    async write(body) {
      const answer = await send(writeUrl, body, writeHeaders);
      if (answer.status >= 200 && answer.status < 300) return;
      const kind = classifyWriteStatus(answer.status, answer.body);
      throw new InfluxWriteError(`InfluxDB ${answer.status}: ${errorMessageOf(answer.body)}`, kind, answer.status);
    },
    async ensureDatabase() {
      const form = new URLSearchParams({ q: `CREATE DATABASE ${quoteIdent(config.database)}` }).toString();
      const answer = await send(queryUrl, form, queryHeaders);
      // CREATE DATABASE is idempotent; a statement error comes back with 200 and an "error" inside results.
      if (answer.status === 200 && !answer.body.includes('"error"')) return;
      throw new InfluxWriteError(`CREATE DATABASE failed: ${answer.status} ${errorMessageOf(answer.body)}`, 'transient', answer.status);
    },
  };
}
