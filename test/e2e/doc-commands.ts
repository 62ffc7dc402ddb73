/**
 * What the documented-commands suite needs besides its steps: the commands written in README.md and docs/*.md, the
 * system started with `npm start`, and documented commands run through bash exactly as written (after the
 * substitution table of documented-commands.int.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freshDatabase, influxUrl, redisUrl } from '../helpers/services.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A command a user would type, where a doc shows it. */
export interface DocCommand {
  /** The command as written, trailing `# comment` removed. */
  text: string;
  /** `README.md:42` */
  where: string;
}

/**
 * In a fenced block: a line starting a command of this package or an HTTP call. In running text: an inline code
 * span starting with `npx ` or `curl ` (a bare `hj212 token` in prose names a command, it is not one to type).
 */
const BLOCK_COMMAND = /^(npx\s+hj212|npm\s+exec\s+hj212|hj212(-sim)?\s|node\s+dist\/src\/cli\/|curl\s)/;
const INLINE_COMMAND = /^(npx|curl)\s/;

/** The docs users read: README.md and docs/*.md. */
export function docFiles(): string[] {
  const docs = readdirSync(new URL('docs/', `file://${ROOT}`)).filter((f) => f.endsWith('.md')).sort();
  return ['README.md', ...docs.map((f) => `docs/${f}`)];
}

function stripComment(line: string): string {
  return line.replace(/\s+#\s.*$/, '').trim();
}

/** Every command written in the docs, in document order. */
export function documentedCommands(files = docFiles()): DocCommand[] {
  const out: DocCommand[] = [];
  for (const file of files) {
    const lines = readFileSync(`${ROOT}${file}`, 'utf8').split('\n');
    let fenced = false;
    lines.forEach((raw, i) => {
      const line = raw.trim();
      if (line.startsWith('```')) {
        fenced = !fenced;
        return;
      }
      const where = `${file}:${i + 1}`;
      if (fenced) {
        if (BLOCK_COMMAND.test(line)) out.push({ text: stripComment(line), where });
        return;
      }
      for (const m of line.matchAll(/`([^`]+)`/g)) {
        const span = m[1]!.trim();
        if (INLINE_COMMAND.test(span)) out.push({ text: span, where });
      }
    });
  }
  return out;
}

/** A finished (or running) shell command. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  /** Output so far. */
  readonly stderr: string;
  done: Promise<Run>;
  /** Ends the command (SIGTERM to its process group). */
  kill(): void;
}

/** Runs `command` with bash in the package directory (where `npx` finds the package's own bins); `input` goes to its stdin. */
export function shell(command: string, env: NodeJS.ProcessEnv, timeoutMs = 120_000, input?: string): Running {
  // Own process group, so kill() reaches npx and the node process it starts.
  const child = spawn('bash', ['-c', command], { cwd: ROOT, env, detached: true, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  // What a user would type at a prompt (a password): stdin is a pipe, not a terminal, so the command reads it as a line.
  if (input !== undefined) child.stdin?.end(input);
  const out: Buffer[] = [];
  const state = { stderr: '' };
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => (state.stderr += c.toString()));
  // A failure bound only: a command that hangs fails its step instead of the whole file's timeout.
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => killGroup('SIGKILL'), timeoutMs);
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: state.stderr });
    });
  });
  return {
    get stderr() {
      return state.stderr;
    },
    done,
    kill: () => killGroup('SIGTERM'),
  };
}

/** The system started as users start it. */
export interface System {
  gatewayPort: number;
  apiPort: number;
  logs: string[];
  /** SIGTERM to the app (as a supervisor stops it); resolves to the exit code of `npm start`. */
  stop(): Promise<number | null>;
}

/**
 * `npm start` on the test services: Redis at `redis` (a database of the test Redis, flushed first), a fresh InfluxDB
 * database, gateway and API on ephemeral loopback ports; `env` adds to or overrides that.
 */
export async function npmStartOnTestServices(redis: string, env: NodeJS.ProcessEnv = {}): Promise<System> {
  const flush = new Redis(redis);
  await flush.flushdb();
  await flush.quit();
  return npmStart({
    ...process.env,
    // scripts/start.sh starts Redis and InfluxDB unless they run: point it at the test services (scripts/test.sh).
    REDIS_PORT: new URL(redisUrl()).port,
    INFLUX_PORT: new URL(influxUrl()).port,
    HJ212_SERVICES_DIR: process.env.HJ212_TEST_SERVICES_DIR ?? process.env.HJ212_SERVICES_DIR,
    NODE_OPTIONS: '',
    HJ212_REDIS_URL: redis,
    HJ212_INFLUX_URL: influxUrl(),
    HJ212_INFLUX_DATABASE: freshDatabase(),
    HJ212_TCP_HOST: '127.0.0.1',
    HJ212_TCP_PORT: '0',
    HJ212_HTTP_HOST: '127.0.0.1',
    HJ212_HTTP_PORT: '0',
    ...env,
  });
}

/**
 * `npm start` (scripts/start.sh: services already running on the test ports are reused, dist is fresh, then
 * `node dist/src/main.js` with every role) with the given environment; resolves once gateway and API listen.
 */
export async function npmStart(env: NodeJS.ProcessEnv): Promise<System> {
  // Own process group, so the stop reaches npm, bash and node alike.
  const child: ChildProcess = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const logs: string[] = [];
  const ports: { gateway?: number; api?: number; app?: number } = {};
  child.stderr?.on('data', (c: Buffer) => logs.push(c.toString()));
  await new Promise<void>((resolve, reject) => {
    // A failure bound only (no timing claim): on two loaded cores beside other test files start-up has taken over 60 s.
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${logs.join('\n')}`)), 180_000);
    void exited.then((code) => reject(new Error(`npm start exited with ${code}:\n${logs.join('\n')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as { msg?: string; port?: number; pid?: number };
      ports.app ??= entry.pid;
      if (entry.msg === 'gateway listening') ports.gateway = entry.port;
      if (entry.msg === 'API listening') ports.api = entry.port;
      if (ports.gateway && ports.api) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    gatewayPort: ports.gateway!,
    apiPort: ports.api!,
    logs,
    async stop() {
      if (child.exitCode === null && ports.app !== undefined) process.kill(ports.app, 'SIGTERM');
      // A failure bound: whatever is left of the group is killed if the app does not stop.
      const kill = setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 30_000);
      const code = await exited;
      clearTimeout(kill);
      return code;
    },
  };
}
