/**
 * InfluxDB 2.x/3.x write path (`/api/v2/write`, org + bucket + token) through @influxdata/influxdb-client.
 * Only the client's transport is used, not its WriteApi: the WriteApi batches, retries and drops points on its own
 * schedule, while durability here is acknowledged to collectors, so batching and retry stay in writer.ts.
 */
import { HttpError, InfluxDB, RequestTimedOutError } from '@influxdata/influxdb-client';
import type { InfluxConfig } from '../../config.js';
import { classifyWriteStatus, errorMessageOf, InfluxWriteError } from './errors.js';
import { describeNetworkError } from './http.js';
import type { WriteTransport } from './write-transport.js';

type V2Config = Extract<InfluxConfig, { kind: 'v2' }>;

function toWriteError(err: unknown): InfluxWriteError {
  if (err instanceof HttpError) {
    const body = err.body ?? '';
    // 2.x answers a missing bucket with 404 too; unlike a 1.x database we do not create it (needs org rights),
    // so it stays transient: points wait, an operator creates the bucket.
    const kind = err.statusCode === 404 ? 'transient' : classifyWriteStatus(err.statusCode, body);
    return new InfluxWriteError(`InfluxDB ${err.statusCode}: ${errorMessageOf(body) || err.message}`, kind, err.statusCode, { cause: err });
  }
  const reason = err instanceof RequestTimedOutError ? 'timed out' : describeNetworkError(err);
  return new InfluxWriteError(`no answer from InfluxDB: ${reason}`, 'transient', undefined, { cause: err });
}

/** A 2.x transport for the configured org and bucket. */
export function createInfluxV2Transport(config: V2Config, timeoutMs: number): WriteTransport {
  const client = new InfluxDB({ url: config.url, token: config.token, timeout: timeoutMs });
  const query = new URLSearchParams({ org: config.org, bucket: config.bucket, precision: 'ms' }).toString();
  const path = `/api/v2/write?${query}`;
  const options = { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' } };

  return {
    target: `${config.url} org=${config.org} bucket=${config.bucket}`,
    async write(body) {
      try {
        // The client JSON-encodes any non-string body, so it gets text (and re-encodes it; v2 is not the hot path here).
        await client.transport.request(path, body.toString('utf8'), options);
      } catch (err) {
        throw toWriteError(err);
      }
    },
  };
}
