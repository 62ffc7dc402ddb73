/** Child processes of the multi-process benchmarks: the gateway, and hj212-sim fleets. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Summary } from '../../src/sim/stats.js';

const GATEWAY = fileURLToPath(new URL('./gateway.js', import.meta.url));
const MINIMAL = fileURLToPath(new URL('./minimal-gateway.js', import.meta.url));
const SIM = fileURLToPath(new URL('../../src/cli/hj212-sim.js', import.meta.url));

export interface GatewayChild {
  port: number;
  pid: number;
  /**
   * Resident set size of the gateway process, its open collector connections and its CPU time so far (µs), and
   * check jobs handed to BullMQ so far (all, and distinct ids; 0 for the minimal gateway).
   */
  rss(): Promise<{ rss: number; connections: number; cpuUs: number; jobsAdded: number; jobIds: number }>;
  quit(): Promise<void>;
}

/**
 * Starts the gateway role (or, with `minimal`, the minimal store-then-ack gateway of benchmarks/baseline/) in a
 * child (with --expose-gc so RSS is measured after a collection).
 */
export async function startGatewayChild(env: Record<string, string>, which: 'gateway' | 'minimal' = 'gateway'): Promise<GatewayChild> {
  const profile = process.env.HJ212_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.HJ212_BENCH_PROFILE] : [];
  // Node flags for the gateway children only (e.g. `--max-semi-space-size=32`), to measure runtime settings.
  const flags = (process.env.HJ212_BENCH_GATEWAY_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...profile, ...flags, '--expose-gc', which === 'gateway' ? GATEWAY : MINIMAL], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (prefix: string): Promise<string[]> => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error('gateway child exited');
      if (String(value).startsWith(prefix)) return String(value).split(' ');
    }
  };
  const port = Number((await next('READY'))[1]);
  return {
    port,
    pid: child.pid ?? 0,
    async rss() {
      child.stdin.write('rss\n');
      const [, rss, connections, cpuUs, jobsAdded, jobIds] = await next('RSS');
      return { rss: Number(rss), connections: Number(connections), cpuUs: Number(cpuUs), jobsAdded: Number(jobsAdded ?? 0), jobIds: Number(jobIds ?? 0) };
    },
    async quit() {
      child.stdin.write('quit\n');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Runs hj212-sim with `args` (plus --json) and resolves with its summary. */
export function runSim(args: string[]): Promise<Summary> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [SIM, ...args, '--json']);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Summary) : reject(new Error(`hj212-sim exited ${code}: ${err.slice(-2000)}`)))),
  );
}
