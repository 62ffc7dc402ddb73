/**
 * InfluxDB 1.x write path over raw HTTP: `POST /write?db=&rp=&precision=ms` (1.6 has no /api/v2/write, so the
 * official 2.x client cannot talk to it) and `CREATE DATABASE` through `/query`.
 */
import type { InfluxConfig } from '../../config.js';
import { classifyWriteStatus, errorMessageOf, InfluxWriteError } from './errors.js';
import { authHeaders, describeNetworkError, endpoint, postText, type HttpAnswer } from './http.js';
import type { WriteTransport } from './write-transport.js';

type V1Config = Extract<InfluxConfig, { kind: 'v1' }>;

async function send(url: string, body: string | Buffer, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  try {
    return await postText(url, body, headers, timeoutMs);
  } catch (err) {
    throw new InfluxWriteError(`no answer from InfluxDB: ${describeNetworkError(err)}`, 'transient', undefined, { cause: err });
  }
}

/** A 1.x transport for the configured database and retention policy. */
export function createInfluxV1Transport(config: V1Config, timeoutMs: number): WriteTransport {
  const auth = authHeaders(config);
  const writeUrl = endpoint(config.url, '/write', { db: config.database, rp: config.retentionPolicy, precision: 'ms' });
  const queryUrl = endpoint(config.url, '/query', {});
  const writeHeaders = { ...auth, 'content-type': 'text/plain; charset=utf-8' };
  const queryHeaders = { ...auth, 'content-type': 'application/x-www-form-urlencoded' };
  const quotedDb = `"${config.database.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

  return {
    target: `${config.url} db=${config.database}${config.retentionPolicy ? ` rp=${config.retentionPolicy}` : ''}`,
    async write(body) {
      const answer = await send(writeUrl, body, writeHeaders, timeoutMs);
      if (answer.status >= 200 && answer.status < 300) return;
      const kind = classifyWriteStatus(answer.status, answer.body);
      throw new InfluxWriteError(`InfluxDB ${answer.status}: ${errorMessageOf(answer.body)}`, kind, answer.status);
    },
    async ensureDatabase() {
      const form = new URLSearchParams({ q: `CREATE DATABASE ${quotedDb}` }).toString();
      const answer = await send(queryUrl, form, queryHeaders, timeoutMs);
      // CREATE DATABASE is idempotent; a statement error comes back with 200 and an "error" inside results.
      if (answer.status === 200 && !answer.body.includes('"error"')) return;
      throw new InfluxWriteError(`CREATE DATABASE failed: ${answer.status} ${errorMessageOf(answer.body)}`, 'transient', answer.status);
    },
  };
}
