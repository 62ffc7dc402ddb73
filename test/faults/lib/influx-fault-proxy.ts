/**
 * An HTTP proxy in front of influxd that refuses some writes the way InfluxDB does: 400 with a field-type-conflict
 * error for any write body containing a poisoned string (a permanent refusal of those points), and 507 Insufficient
 * Storage for every write while "disk full" is on (a transient refusal). Everything else is forwarded unchanged.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface InfluxFaultProxy {
  url: string;
  diskFull: boolean;
  /** Writes answered 400 / 507 / forwarded so far. */
  readonly counts: { rejected: number; full: number; forwarded: number };
  close(): Promise<void>;
}

function forward(target: URL, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  up.on('error', () => res.writeHead(502).end());
  up.end(body);
}

export async function startInfluxFaultProxy(targetUrl: string, poison: string): Promise<InfluxFaultProxy> {
  const target = new URL(targetUrl);
  const counts = { rejected: 0, full: 0, forwarded: 0 };
  const proxy = { diskFull: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const isWrite = req.url?.startsWith('/write') === true;
      if (isWrite && proxy.diskFull) {
        counts.full++;
        return void res.writeHead(507, { 'content-type': 'application/json' }).end('{"error":"write failed: no space left on device"}');
      }
      if (isWrite && body.includes(poison)) {
        counts.rejected++;
        return void res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"partial write: field type conflict: input field \\"avg\\" on measurement \\"minute\\" is type string, already exists as type float dropped=1"}');
      }
      if (isWrite) counts.forwarded++;
      forward(target, req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
