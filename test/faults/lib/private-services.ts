/**
 * Private Redis and InfluxDB 1.x for one fault scenario, on free ports in a temp directory, started through
 * scripts/services.sh. The scenario stops and restarts them, so they can never be the shared test instances.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitFor } from '../../helpers/wait.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../../scripts/services.sh', import.meta.url));

/**
 * A port nobody listens on right now, below Linux's ephemeral range (32768-60999): scenarios stop and restart a
 * service on the same port, and a port from that range could meanwhile become the local end of some outgoing
 * connection (a 10,000-connection storm takes a third of the range).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port in 20000-31999');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export interface PrivateServices {
  dir: string;
  redisPort: number;
  influxPort: number;
  redisUrl: string;
  influxUrl: string;
  /** Stops influxd (SIGTERM, as an operator or a crash-looping host would) and waits until it is gone. */
  stopInflux(): Promise<void>;
  startInflux(): Promise<void>;
  /** `redis-cli shutdown` (AOF fsynced); waits until the process is gone. */
  stopRedis(): Promise<void>;
  /** Starts Redis again on the same port and data directory (the AOF brings the keys back). */
  startRedis(): Promise<void>;
  /** Stops both and removes the directory (kept with HJ212_FAULT_KEEP_DIR=1). */
  close(): Promise<void>;
}

function pidOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the pair on fresh free ports. Another process may take a port between our probe and the service's bind
 * (other suites run on this machine too), so a failed start is retried on new ports, twice.
 */
export async function startPrivateServices(name: string): Promise<PrivateServices> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(name);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

async function startOnce(name: string): Promise<PrivateServices> {
  const dir = mkdtempSync(join(tmpdir(), `svc-faults-${name}-`));
  const [redisPort, influxPort, rpcPort] = [await freePort(), await freePort(), await freePort()];
  const env = (services: string): NodeJS.ProcessEnv => ({
    ...process.env,
    HJ212_SERVICES_DIR: dir,
    REDIS_PORT: String(redisPort),
    INFLUX_PORT: String(influxPort),
    INFLUX_RPC_PORT: String(rpcPort),
    VM_PORT: '1',
    SERVICES: services,
  });
  const script = (cmd: string, services: string) => run('bash', [SCRIPT, cmd], { env: env(services) });
  const influxPid = join(dir, 'influx', 'influxd.pid');

  async function stopInflux(): Promise<void> {
    const pid = pidOf(influxPid);
    if (pid === undefined) return;
    process.kill(pid, 'SIGTERM');
    await waitFor(() => !alive(pid), 'influxd exited', 30_000);
    rmSync(influxPid, { force: true });
  }

  try {
    await script('start', 'redis influx');
  } catch (err) {
    await script('stop', '').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    redisPort,
    influxPort,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    influxUrl: `http://127.0.0.1:${influxPort}`,
    stopInflux,
    startInflux: async () => void (await script('start', 'influx')),
    async stopRedis() {
      const pidFile = join(dir, 'redis', 'redis.pid');
      const pid = pidOf(pidFile);
      await run('redis-cli', ['-p', String(redisPort), 'shutdown']).catch(() => undefined);
      if (pid !== undefined) await waitFor(() => !alive(pid), 'redis exited', 30_000);
      rmSync(pidFile, { force: true });
    },
    startRedis: async () => void (await script('start', 'redis')),
    async close() {
      await script('stop', '').catch(() => undefined);
      // HJ212_FAULT_KEEP_DIR=1 keeps the services' and roles' logs for a look after the run.
      if (process.env.HJ212_FAULT_KEEP_DIR === '1') console.log(`[faults] kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}
