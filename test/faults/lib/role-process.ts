/**
 * A platform role (`node dist/src/main.js gateway|worker`) as a real child process, so a fault can be a real
 * `kill -9`. Ready once its metrics server answers /health (main.ts starts it after the role itself). The role's
 * stderr/stdout go to a log file in the scenario's directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../helpers/wait.js';

const MAIN = fileURLToPath(new URL('../../../src/main.js', import.meta.url));

export interface RoleProcess {
  readonly pid: number;
  readonly exited: boolean;
  /**
   * Sum of a Prometheus metric's samples from the role's /metrics: all label sets, or only those whose label text
   * contains every string of `labels` (e.g. `verdict="subpacket-incomplete"`).
   */
  metric(name: string, ...labels: string[]): Promise<number>;
  /** `kill -9`; resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (graceful close); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Resident set size now, bytes (from /proc). */
  rss(): number;
  /** The role's log (stdout and stderr) so far. */
  log(): string;
  /** Size of the role's log file now, bytes (what a hostile client made it write). */
  logBytes(): number;
}

async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`)).ok;
  } catch {
    return false;
  }
}

/** Starts `role` with `env` (HJ212_* variables; HJ212_HTTP_PORT must be a free port) and waits until it is ready. */
export async function startRole(role: 'gateway' | 'worker', env: Record<string, string>, dir: string, tag: string = role): Promise<RoleProcess> {
  const logFile = join(dir, `${tag}.log`);
  const out = openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [MAIN, role], {
    env: { ...process.env, HJ212_LOG_LEVEL: 'warn', HJ212_HTTP_HOST: '127.0.0.1', HJ212_TCP_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', out, out],
  });
  let exited = false;
  const gone = new Promise<number | null>((resolve) => child.once('exit', (code) => ((exited = true), resolve(code))));
  const log = (): string => readFileSync(logFile, 'utf8');
  const port = Number(env.HJ212_HTTP_PORT);
  await waitFor(async () => {
    if (exited) throw new Error(`${role} exited while starting:\n${log().slice(-4000)}`);
    return healthy(port);
  }, `${role} ready`, 60_000);
  return {
    pid: child.pid ?? 0,
    async metric(name, ...labels) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (line.split(/[{ ]/)[0] !== name || !labels.every((l) => line.includes(l))) continue;
        sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    get exited() {
      return exited;
    },
    async kill9() {
      if (!exited) child.kill('SIGKILL');
      await gone;
    },
    async stop() {
      if (!exited) child.kill('SIGTERM');
      return gone;
    },
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    log,
    logBytes: () => statSync(logFile).size,
  };
}
