/**
 * The composition root as users run it: `node dist/src/main.js` with all roles against real Redis and InfluxDB —
 * gateway acks a reading, the API answers /health and /ready, SIGTERM shuts down cleanly; bad config exits 78.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { Redis } from 'ioredis';
import { encodeFrame, uploadPacket } from '../protocol/index.js';
import { newDevice } from '../src/domain/device-defaults.js';
import { createRedisRegistry } from '../src/storage/redis/registry.js';
import { connectCollector } from './helpers/collector.js';
import { freshDatabase, freshPrefix, influxUrl, redisUrl } from './helpers/services.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

t.test('main with all roles: ack, health, ready, graceful SIGTERM', async (t) => {
  const prefix = freshPrefix();
  const env = {
    ...process.env,
    HJ212_TCP_HOST: '127.0.0.1',
    HJ212_TCP_PORT: '0',
    HJ212_HTTP_HOST: '127.0.0.1',
    HJ212_HTTP_PORT: '0',
    HJ212_REDIS_URL: redisUrl(),
    HJ212_REDIS_PREFIX: prefix,
    HJ212_INFLUX_URL: influxUrl(),
    HJ212_INFLUX_DATABASE: freshDatabase(),
  };
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const ports: Record<string, number> = {};
  const logs: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`roles did not start: ${logs.join('\n')}`)), 30_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      logs.push(line);
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'gateway listening' && entry.port) ports.gateway = entry.port;
      if (entry.msg === 'API listening' && entry.port) ports.api = entry.port;
      if (ports.gateway && ports.api) {
        clearTimeout(timer);
        resolve();
      }
    });
  });

  const health = await fetch(`http://127.0.0.1:${ports.api}/health`);
  t.equal(health.status, 200, '/health answers');
  const ready = await fetch(`http://127.0.0.1:${ports.api}/ready`);
  t.equal(ready.status, 200, '/ready: InfluxDB and Redis reachable');

  const redis = new Redis(redisUrl());
  const registry = createRedisRegistry({ redis, prefix, cache: false });
  await registry.put(newDevice({ mn: '33010600000001W00000005M', password: '654321' }));
  const c = await connectCollector(ports.gateway ?? 0);
  const p = uploadPacket({ st: '32', pw: '654321', mn: '33010600000001W00000005M', qn: '20240315103000555' }, '2011', {
    dataTime: '20240315103000',
    factors: [{ code: 'w01001', rtd: '7.3', flag: 'N' }],
  });
  c.send(encodeFrame(p));
  t.equal((await c.next((r) => r.qn === p.qn)).cn, '9014', 'collector acked by the all-in-one process');
  c.close();
  await registry.close();
  await redis.quit();

  child.kill('SIGTERM');
  t.equal(await exited, 0, 'graceful shutdown exits 0');
  t.ok(logs.some((l) => l.includes('shutting down')), 'shutdown logged');
  t.notOk(logs.some((l) => l.includes('654321')), 'the device password never appears in logs');
});

t.test('invalid configuration lists every problem and exits 78', async (t) => {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, HJ212_TCP_PORT: 'abc', HJ212_ROLES: 'nope' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.equal(code, 78);
  t.match(stderr, /HJ212_TCP_PORT/);
});
