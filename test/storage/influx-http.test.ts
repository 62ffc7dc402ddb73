/** The one InfluxDB HTTP client (writes, queries, ping) against a real local HTTP server: answers, reuse, deadline, refusal. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { createInfluxHttp, describeNetworkError } from '../../src/storage/influx/http.js';

const sockets = new Set<unknown>();
const server = http.createServer((req, res) => {
  sockets.add(req.socket);
  if (req.url === '/hang') return;
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => res.writeHead(201, { 'content-type': 'text/plain' }).end(`${req.headers['content-length']}:${body}`));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
t.teardown(() => {
  server.closeAllConnections();
  server.close();
});

t.test('posts the body with its length and returns status and text; connections are reused', async (tt) => {
  const { post } = createInfluxHttp();
  const first = await post(`${base}/query?db=x`, 'q=SELECT 1 — 测试', { 'content-type': 'application/x-www-form-urlencoded' }, 5000);
  tt.same(first, { status: 201, body: `${Buffer.byteLength('q=SELECT 1 — 测试')}:q=SELECT 1 — 测试` });
  for (let i = 0; i < 5; i++) await post(`${base}/query`, 'q', {}, 5000);
  tt.equal(sockets.size, 1, 'one pooled connection for sequential requests');
});

t.test('no answer within the deadline rejects with a TimeoutError; a refused connection rejects', async (tt) => {
  const { post } = createInfluxHttp();
  const err = await post(`${base}/hang`, 'q', {}, 50).then(
    () => undefined,
    (e: unknown) => e,
  );
  tt.equal((err as Error).name, 'TimeoutError');
  tt.equal(describeNetworkError(err), 'timed out');
  await tt.rejects(post('http://127.0.0.1:9/query', 'q', {}, 2000), /ECONNREFUSED/);
});

t.test('a byte body (line protocol) and a GET (ping) go over the same pooled connection', async (tt) => {
  sockets.clear();
  const client = createInfluxHttp();
  const lines = Buffer.from('m,mn=测 v=1 1\n');
  tt.same(await client.post(`${base}/write`, lines, {}, 5000), { status: 201, body: `${lines.length}:${lines.toString('utf8')}` });
  const ping = await client.get(`${base}/ping`, {}, 5000);
  tt.same(ping, { status: 201, body: 'undefined:' }, 'a GET carries no body and no content-length');
  tt.equal(sockets.size, 1);
});
