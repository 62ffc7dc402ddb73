/**
 * docker/healthcheck.mjs, the image's HEALTHCHECK, against stand-in servers: an HTTP server for the API's /health,
 * a TCP listener for the gateway, a fake Redis (RESP) for the worker. Exit 0 = healthy, 1 = unhealthy.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import t from 'tap';

const SCRIPT = fileURLToPath(new URL('../../../docker/healthcheck.mjs', import.meta.url));

/** The part of a tap test the stand-in servers need. */
interface Tap {
  teardown: (fn: () => unknown) => void;
}

interface Outcome {
  code: number;
  out: string;
}

/** Runs the probe with only the given variables (plus PATH), as Docker would with the container's environment. */
function probe(args: string[], vars: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { env: { PATH: process.env.PATH ?? '', ...vars }, timeout: 15_000 }, (err, stdout) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, out: stdout });
    });
  });
}

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return String((server.address() as AddressInfo).port);
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<string> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Answers GET /health with `status`, anything else with 404. */
async function httpServer(t: Tap, status: number): Promise<string> {
  const server = http.createServer((req, res) => {
    res.statusCode = req.url === '/health' ? status : 404;
    res.end();
  });
  t.teardown(() => server.close());
  return listen(server);
}

/** Minimal Redis: PING → +PONG, AUTH checked against `password` (then PING → -NOAUTH while unauthenticated). */
async function fakeRedis(t: Tap, password?: string): Promise<{ port: string; seen: string[] }> {
  const seen: string[] = [];
  const server = net.createServer((socket) => {
    let authed = password === undefined;
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      // RESP arrays of bulk strings: *N\r\n($len\r\nword\r\n)*N; parse complete commands only.
      for (let m = /^\*(\d+)\r\n/.exec(buffer); m; m = /^\*(\d+)\r\n/.exec(buffer)) {
        const parts = buffer.slice(m[0].length).split('\r\n');
        const n = Number(m[1]);
        if (parts.length < 2 * n + 1) return;
        const words = Array.from({ length: n }, (_, i) => parts[2 * i + 1] ?? '');
        buffer = parts.slice(2 * n).join('\r\n');
        seen.push(words.join(' '));
        if (words[0] === 'AUTH') {
          authed = words[words.length - 1] === password;
          socket.write(authed ? '+OK\r\n' : '-WRONGPASS invalid username-password pair\r\n');
        } else if (words[0] === 'PING') socket.write(authed ? '+PONG\r\n' : '-NOAUTH Authentication required.\r\n');
      }
    });
  });
  t.teardown(() => server.close());
  return { port: await listen(server), seen };
}

t.test('api: healthy when GET /health answers 2xx', async (t) => {
  t.match(await probe(['api'], { HJ212_HTTP_PORT: await httpServer(t, 200) }), { code: 0, out: /healthy: api/ });
  t.match(await probe(['api'], { HJ212_HTTP_PORT: await httpServer(t, 503) }), { code: 1, out: /answered 503/ });
  t.match(await probe(['api'], { HJ212_HTTP_PORT: await closedPort() }), { code: 1, out: /ECONNREFUSED/ });
});

t.test('gateway: healthy when the collectors port accepts', async (t) => {
  const server = net.createServer((socket) => socket.destroy());
  t.teardown(() => server.close());
  t.match(await probe(['gateway'], { HJ212_TCP_PORT: await listen(server) }), { code: 0 });
  t.match(await probe(['gateway'], { HJ212_TCP_PORT: await closedPort() }), { code: 1, out: /gateway: TCP/ });
});

t.test('worker: healthy when Redis answers PING, authenticating with the URL password', async (t) => {
  const open = await fakeRedis(t);
  t.match(await probe(['worker'], { HJ212_REDIS_URL: `redis://127.0.0.1:${open.port}` }), { code: 0 });
  t.same(open.seen, ['PING']);

  const secured = await fakeRedis(t, 'p@ss word');
  const good = await probe(['worker'], { HJ212_REDIS_URL: `redis://:p%40ss%20word@127.0.0.1:${secured.port}/0` });
  t.match(good, { code: 0 });
  t.same(secured.seen, ['AUTH p@ss word', 'PING'], 'AUTH with the decoded password, then PING');

  const bad = await probe(['worker'], { HJ212_REDIS_URL: `redis://:not-it@127.0.0.1:${secured.port}` });
  t.match(bad, { code: 1, out: /WRONGPASS/ });
  t.notMatch(bad.out, /not-it/, 'the password is never printed');
  t.match(await probe(['worker'], { HJ212_REDIS_URL: `redis://127.0.0.1:${await closedPort()}` }), { code: 1 });
});

t.test('several roles must all pass; HJ212_ROLES applies without an argument', async (t) => {
  const redis = await fakeRedis(t);
  const vars = { HJ212_HTTP_PORT: await httpServer(t, 200), HJ212_REDIS_URL: `redis://127.0.0.1:${redis.port}` };
  const gateway = net.createServer((socket) => socket.destroy());
  t.teardown(() => gateway.close());
  const all = { ...vars, HJ212_TCP_PORT: await listen(gateway) };
  t.match(await probe(['all'], all), { code: 0, out: /healthy: gateway, api, worker/ });
  t.match(await probe(['all'], { ...all, HJ212_TCP_PORT: await closedPort() }), { code: 1, out: /gateway: TCP/ });
  t.match(await probe([], { ...all, HJ212_ROLES: 'api,worker' }), { code: 0, out: /healthy: api, worker/ });
  t.match(await probe([], { ...all, HJ212_ROLES: 'api,worker', HJ212_HTTP_PORT: await closedPort() }), { code: 1 });
});

t.test('an unknown role is unhealthy, not a crash', async (t) => {
  t.match(await probe(['gatway'], {}), { code: 1, out: /unknown role 'gatway'/ });
});
