/**
 * Connection scaling: idle collector connections held by one gateway process, opened in steps from several client
 * processes, with the gateway's RSS per connection at each step (RSS after a GC minus the RSS with none open).
 * The process open-file cap here is 20,000 and cannot be raised, so the gateway is capped below it
 * (HJ212_MAX_CONNECTIONS) and 50,000 connections in one process cannot be measured on this machine.
 *
 *   node dist/benchmarks/connections.bench.js [steps=1000,5000,10000,18000]
 * Writes benchmarks/results/connections.json.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startGatewayChild, type GatewayChild } from './children/spawn.js';
import { writeResults, type Row } from './lib/report.js';

const steps = (process.argv[2] ?? '1000,5000,10000,18000').split(',').map(Number);
const redisUrl = process.env.HJ212_REDIS_URL ?? 'redis://127.0.0.1:6379';
const influxUrl = process.env.HJ212_INFLUX_URL ?? 'http://127.0.0.1:8086';
const CLIENT = fileURLToPath(new URL('./children/idle-client.js', import.meta.url));
/** Connections per client process: well below each process's own 20,000 open-file cap. */
const PER_CLIENT = 5000;

function openClient(count: number, port: number, first: number): Promise<() => void> {
  const child = spawn(process.execPath, [CLIENT, String(count), String(port), String(first)], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (l) => l.startsWith('OPEN') && resolve(() => child.stdin.end()));
    child.once('exit', (code) => reject(new Error(`idle client exited ${code}`)));
  });
}

/**
 * The gateway's figures once it holds `expected` connections, or once 5 s pass without reaching it: a busy gateway
 * may still have accepted connections waiting in its listen queue when the clients already count them as open.
 */
async function settled(gateway: GatewayChild, expected: number): Promise<{ rss: number; connections: number }> {
  for (let i = 0; ; i++) {
    const now = await gateway.rss();
    if (now.connections >= expected || i >= 50) return now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  const max = Math.max(...steps);
  const gateway = await startGatewayChild({ HJ212_TCP_HOST: '127.0.0.1', HJ212_TCP_PORT: '0', HJ212_REDIS_URL: redisUrl, HJ212_REDIS_PREFIX: `bench_${randomBytes(4).toString('hex')}:`, HJ212_INFLUX_URL: influxUrl, HJ212_INFLUX_DATABASE: `bench_${randomBytes(4).toString('hex')}`, HJ212_MAX_CONNECTIONS: String(max + 100), HJ212_MAX_CONNECTIONS_PER_IP: String(max + 100) });
  const closers: Array<() => void> = [];
  const rows: Row[] = [];
  try {
    const base = (await gateway.rss()).rss;
    let opened = 0;
    for (const step of steps) {
      while (opened < step) {
        const n = Math.min(PER_CLIENT, step - opened);
        closers.push(await openClient(n, gateway.port, opened));
        opened += n;
      }
      const { rss, connections } = await settled(gateway, step);
      rows.push({ 'connections opened': step, 'held by gateway': connections, 'gateway RSS MB': +(rss / 1e6).toFixed(1), 'bytes per connection': Math.round((rss - base) / Math.max(1, connections)), target: '≤ 4 KB at 18,000 (issue 13)' });
      console.log(JSON.stringify(rows.at(-1)));
    }
    writeResults('connections', rows);
  } finally {
    for (const close of closers) close();
    await gateway.quit();
  }
}

await main();
