/**
 * The one HTTP client of the InfluxDB adapters: 1.x and 2.x writes, InfluxQL queries and /ping all go through
 * node:http(s) with a keep-alive agent. Not `fetch`: its per-request Request/Response/AbortSignal objects cost more
 * CPU than InfluxDB's own work for small answers (measurements in benchmarks/README.md); not the official 2.x client:
 * 1.6 has no /api/v2/write, and one stack means one set of timeouts, errors and pooled connections.
 */
import http from 'node:http';
import https from 'node:https';
import type { InfluxConfig } from '../../config.js';

/** Status and text of an HTTP answer. */
export interface HttpAnswer {
  status: number;
  body: string;
}

/** Requests bound to one connection pool. Both reject (with node's own error) only when there is no answer. */
export interface InfluxHttp {
  /** POST a body (text, or UTF-8 bytes) and read the whole answer within `timeoutMs`. */
  post(url: string, body: string | Buffer, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer>;
  /** GET and read the whole answer within `timeoutMs`. */
  get(url: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer>;
}

/** Error of a request that got no answer within its deadline (named like fetch's, for describeNetworkError). */
class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** Create a client with its own agents; idle pooled sockets do not keep the process alive (the agent unrefs them). */
export function createInfluxHttp(options: { maxSockets?: number } = {}): InfluxHttp {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };

  function request(method: 'GET' | 'POST', url: string, body: string | Buffer | undefined, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const allHeaders = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
      const req = (secure ? https : http).request(target, { method, agent: secure ? agents.https : agents.http, headers: allHeaders }, (res) => {
        // Always read the body: an unread body keeps the pooled keep-alive connection busy.
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new TimeoutError(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  return {
    post: (url, body, headers, timeoutMs) => request('POST', url, body, headers, timeoutMs),
    get: (url, headers, timeoutMs) => request('GET', url, undefined, headers, timeoutMs),
  };
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
