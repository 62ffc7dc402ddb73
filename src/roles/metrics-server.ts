/**
 * For processes without the API role (a gateway-only or worker-only container): /health and /metrics on the HTTP
 * port, for the orchestrator's health check and Prometheus scraping on the internal network.
 */
import { createServer, type Server } from 'node:http';
import type { Metrics } from '../metrics.js';

export async function startMetricsServer(metrics: Metrics, host: string, port: number): Promise<{ close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (req.url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return { close: () => new Promise((resolve) => server.close(() => resolve())) };
}
