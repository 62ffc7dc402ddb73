/**
 * How an InfluxDB write failed, decided once in the transport so the writer's retry policy only looks at `kind`.
 */

/**
 * - `transient`: network error, timeout, 5xx, 429, and configuration-side failures (401/403, missing bucket) that an
 *   operator can fix while the points wait in the buffer.
 * - `data`: the body itself was refused (400, 413, 422: parse error, field type conflict, outside retention).
 *   Re-sending the same lines will not help, so the writer isolates the offending write call.
 * - `database-not-found`: 1.x answered 404 "database not found"; the writer creates the database and retries.
 */
export type WriteFailureKind = 'transient' | 'data' | 'database-not-found';

/** A failed InfluxDB write, with the HTTP status when there was an answer. */
export class InfluxWriteError extends Error {
  constructor(
    message: string,
    readonly kind: WriteFailureKind,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InfluxWriteError';
  }
}

/** A failed InfluxQL query: an HTTP error, a statement error in the result, or no answer at all. */
export class InfluxQueryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InfluxQueryError';
  }
}

/** Classify an HTTP status of a write answer (non-2xx). */
export function classifyWriteStatus(status: number, body: string): WriteFailureKind {
  if (status === 400 || status === 413 || status === 422) return 'data';
  if (status === 404 && body.includes('database not found')) return 'database-not-found';
  return 'transient';
}

/** The `error` message of an InfluxDB JSON error body, or the body itself. */
export function errorMessageOf(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object') {
      const { error, message } = parsed as { error?: unknown; message?: unknown };
      if (typeof error === 'string') return error;
      if (typeof message === 'string') return message;
    }
  } catch {
    // not JSON: some proxies and VictoriaMetrics answer plain text
  }
  return body.trim().slice(0, 1000);
}
