/**
 * POST over node:http(s) with a keep-alive agent, for the InfluxQL read path. Not `fetch`: its per-request
 * Request/Response/AbortSignal objects cost more CPU than InfluxDB's own work for such small answers (measurements
 * in benchmarks/README.md).
 */
import http from 'node:http';
import https from 'node:https';
import type { HttpAnswer } from './http.js';

/** A POST function bound to one server's connection pool. */
export type KeepAlivePost = (url: string, body: string, headers: Record<string, string>, timeoutMs: number) => Promise<HttpAnswer>;

/** Error of a request that got no answer within its deadline (named like fetch's, for describeNetworkError). */
class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** Create a poster with its own agent; idle pooled sockets do not keep the process alive (the agent unrefs them). */
export function createKeepAlivePost(options: { maxSockets?: number } = {}): KeepAlivePost {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };
  return (url, body, headers, timeoutMs) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      const target = new URL(url);
      const transport = target.protocol === 'https:' ? https : http;
      const req = transport.request(target, { method: 'POST', agent: agents[target.protocol === 'https:' ? 'https:' : 'http:'], headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
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
