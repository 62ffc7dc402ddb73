#!/usr/bin/env node
// Container health probe for the one hj212-platform image (Dockerfile HEALTHCHECK). Node built-ins only: the
// slim runtime image has no curl or wget, and this file must not depend on dist/.
//
// Each role shows its health differently:
//   api      GET http://127.0.0.1:$HJ212_HTTP_PORT/health answers 2xx.
//   gateway  the collectors' port $HJ212_TCP_PORT accepts a TCP connection. Nothing is sent: the gateway sees a
//            connection from 127.0.0.1 that closes without a frame, every interval.
//   worker   listens on no port; it can do nothing without Redis, so PING on $HJ212_REDIS_URL must answer +PONG.
// A process running several roles (e.g. "all") must pass every role's probe.
//
// Which roles: this script's own argument (`node healthcheck.mjs gateway`), else the role argument of PID 1
// (`node /app/dist/src/main.js <roles>`, read from /proc/1/cmdline, also found behind `docker run --init`), else
// HJ212_ROLES, else "all": the precedence main.ts applies (argv[2] overrides HJ212_ROLES).
// Exit 0 healthy, 1 unhealthy (Docker reserves 2). Empty variables count as unset, as in src/config.ts.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import process from 'node:process';
import tls from 'node:tls';
import { URL } from 'node:url';

/** Per probe; below the HEALTHCHECK --timeout (5 s) so a hung probe reports why instead of being killed. */
const TIMEOUT_MS = 3000;
const ROLES = ['gateway', 'api', 'worker'];

const env = (name, fallback) => process.env[name] || fallback;

/** A server bound to every interface (0.0.0.0, ::) is probed on loopback. */
function probeHost(bindHost) {
  return !bindHost || bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost;
}

function roleArgOfPid1() {
  try {
    const argv = readFileSync('/proc/1/cmdline', 'utf8').split('\0');
    const i = argv.findIndex((a) => a.endsWith('dist/src/main.js'));
    const next = i >= 0 ? argv[i + 1] : undefined;
    return next && !next.startsWith('-') ? next : undefined;
  } catch {
    return undefined; // no /proc (not Linux): fall back to the environment
  }
}

/** "all" | comma-separated roles → Set of roles; throws on an unknown role, as loadConfig does. */
function parseRoles(spec) {
  const roles = new Set();
  for (const r of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (r === 'all') ROLES.forEach((x) => roles.add(x));
    else if (ROLES.includes(r)) roles.add(r);
    else throw new Error(`unknown role '${r}' (all, gateway, api, worker)`);
  }
  if (roles.size === 0) throw new Error('no role given');
  return roles;
}

/** Each probe resolves to undefined when healthy, else to the reason (never rejects). */
function probeHttp(host, port) {
  return new Promise((resolve) => {
    // agent: false: Node 20's global agent keeps sockets alive, which would hold this process open.
    const req = http.get({ host, port, path: '/health', agent: false, timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      resolve(ok ? undefined : `api: GET /health on ${host}:${port} answered ${res.statusCode}`);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    req.on('error', (err) => resolve(`api: GET /health on ${host}:${port} failed: ${err.message}`));
  });
}

function probeTcp(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`not accepted in ${TIMEOUT_MS} ms`)));
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (err) => resolve(`gateway: TCP ${host}:${port} failed: ${err.message}`));
  });
}

/** One RESP command (binary-safe, so passwords with spaces work). */
function resp(...args) {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

function probeRedis(rawUrl) {
  return new Promise((resolve) => {
    let url;
    try {
      url = new URL(rawUrl);
    } catch {
      resolve('worker: HJ212_REDIS_URL is not a URL'); // the value may hold a password: never print it
      return;
    }
    const secure = url.protocol === 'rediss:';
    if (!secure && url.protocol !== 'redis:') {
      resolve(`worker: unsupported Redis URL scheme ${url.protocol}`);
      return;
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
    const port = Number(url.port || 6379);
    const where = `Redis ${host}:${port}`;
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    const auth = pass ? (user ? resp('AUTH', user, pass) : resp('AUTH', pass)) : '';
    const expectedReplies = auth ? 2 : 1;
    const socket = secure
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host })
      : net.connect({ host, port });
    socket.setEncoding('utf8');
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    socket.once(secure ? 'secureConnect' : 'connect', () => socket.write(auth + resp('PING')));
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('+PONG\r\n')) {
        socket.destroy();
        resolve(undefined);
        return;
      }
      const lines = reply.split('\r\n').slice(0, -1);
      if (lines.length >= expectedReplies) {
        socket.destroy();
        const error = lines.find((l) => l.startsWith('-')) ?? lines[lines.length - 1];
        resolve(`worker: ${where} answered ${error.slice(0, 80)}`);
      }
    });
    socket.once('error', (err) => resolve(`worker: ${where} failed: ${err.message}`));
    socket.once('close', () => resolve(`worker: ${where} closed the connection`));
  });
}

async function main() {
  let roles;
  try {
    roles = parseRoles(process.argv[2] || roleArgOfPid1() || env('HJ212_ROLES', 'all'));
  } catch (err) {
    return [err.message];
  }
  const probes = [];
  if (roles.has('api')) probes.push(probeHttp(probeHost(env('HJ212_HTTP_HOST')), Number(env('HJ212_HTTP_PORT', '8080'))));
  if (roles.has('gateway')) probes.push(probeTcp(probeHost(env('HJ212_TCP_HOST')), Number(env('HJ212_TCP_PORT', '5003'))));
  if (roles.has('worker')) probes.push(probeRedis(env('HJ212_REDIS_URL', 'redis://127.0.0.1:6379')));
  const problems = (await Promise.all(probes)).filter(Boolean);
  if (problems.length === 0) process.stdout.write(`healthy: ${[...roles].join(', ')}\n`);
  return problems;
}

const problems = await main();
for (const p of problems) process.stdout.write(`unhealthy: ${p}\n`);
process.exit(problems.length === 0 ? 0 : 1);
