/** The few HTTP helpers the 1.x write path and the InfluxQL query client share (Node 20 `fetch`). */
import type { InfluxConfig } from '../../config.js';

/** Status and text of an HTTP answer. */
export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * POST a body (text, or UTF-8 bytes) and read the whole answer. Rejects (with fetch's own error) only when there is no answer:
 * connection refused or reset, DNS, or the `timeoutMs` deadline.
 */
export async function postText(url: string, body: string | Buffer, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs) });
  // Always read the body: an unread body keeps the pooled keep-alive connection busy.
  return { status: res.status, body: await res.text() };
}

/**
 * Authorization header for the configured server: HTTP basic for a 1.x user, `Token` for 2.x/3.x
 * (whose 1.x-compatible /query accepts the same header).
 */
export function authHeaders(config: InfluxConfig): Record<string, string> {
  if (config.kind === 'v2') return config.token ? { authorization: `Token ${config.token}` } : {};
  if (config.username === undefined) return {};
  const credentials = Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64');
  return { authorization: `Basic ${credentials}` };
}

/** `base` (which may carry a path prefix behind a reverse proxy) joined with an API path and query parameters. */
export function endpoint(base: string, path: string, params: Record<string, string | undefined>): string {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/** Short description of a failure without an answer, for logs and error messages. */
export function describeNetworkError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
    const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (cause && typeof cause.code === 'string') return `${err.message} (${cause.code})`;
    return err.message;
  }
  return String(err);
}
