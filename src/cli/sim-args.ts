/** Command-line flags of hj212-sim → a scenario object (flags override a --scenario file's values). */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG } from '../config.js';
import { FAULT_NAMES } from '../sim/faults.js';
import { readScenarioFile } from '../sim/scenario.js';

export const USAGE = `usage: hj212-sim [options]
  --scenario FILE          YAML or JSON scenario (flags override its values)
  --host H --port P        gateway (default 127.0.0.1:5003); non-loopback needs --allow-remote
  --collectors N           simulated collectors (default 1)
  --mn-file FILE           MNs, one a line (default: generated, --mn-prefix SIM)
  --version 2005|2017|2025 --profile water|air --password PW
  --realtime-interval S    2011 every S seconds (0 = off; default 30)
  --minute-interval M      2051 every M minutes (0 = off; default 10)
  --no-hour --no-day       no 2061 / 2031 uploads
  --duration S | --count N simulated seconds / uploads per collector (one is required)
  --ack                    Flag A: ask for 9014, wait, retransmit (--over-time S, --re-count N, --window N)
  --speed K|max            simulated time K× real time, or as fast as acks allow (virtual clock)
  --start ISO              simulated start time (default now)
  --fault NAME=RATE        inject a fault (repeatable): ${FAULT_NAMES.join(', ')}
  --storm AT_S[:FRACTION]  reconnect storm (repeatable)
  --ramp S --local-addresses N --reconnect-ms MS --seed N
  --warmup S               ack latency also reported without uploads sent in the first S s after all connected
  --register REDIS_URL [--redis-prefix P]  register the fleet's devices first (existing MNs are kept unchanged)
  --overwrite              with --register: replace existing devices' version, password and profile (audited)
  --progress S             progress line interval on stderr (0 = none; default 5)
  --json                   summary as one JSON line on stdout
  --allow-remote           allow a non-loopback target`;

const options = {
  scenario: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  collectors: { type: 'string' },
  'mn-file': { type: 'string' },
  'mn-prefix': { type: 'string' },
  version: { type: 'string' },
  profile: { type: 'string' },
  password: { type: 'string' },
  'realtime-interval': { type: 'string' },
  'minute-interval': { type: 'string' },
  'no-hour': { type: 'boolean' },
  'no-day': { type: 'boolean' },
  duration: { type: 'string' },
  count: { type: 'string' },
  ack: { type: 'boolean' },
  'over-time': { type: 'string' },
  're-count': { type: 'string' },
  window: { type: 'string' },
  speed: { type: 'string' },
  start: { type: 'string' },
  fault: { type: 'string', multiple: true },
  storm: { type: 'string', multiple: true },
  ramp: { type: 'string' },
  warmup: { type: 'string' },
  'local-addresses': { type: 'string' },
  'reconnect-ms': { type: 'string' },
  seed: { type: 'string' },
  register: { type: 'string' },
  'redis-prefix': { type: 'string' },
  overwrite: { type: 'boolean' },
  progress: { type: 'string' },
  json: { type: 'boolean' },
  'allow-remote': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What the CLI does besides running the scenario. */
export interface CliExtras {
  json: boolean;
  help: boolean;
  register?: string;
  redisPrefix: string;
  /** --overwrite: registering replaces existing devices. */
  overwrite: boolean;
}

const num = (v: string | undefined, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${flag}: not a number: ${v}`);
  return n;
};

function set(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

function parseFaults(list: readonly string[] = []): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of list) {
    const [name, value] = item.split('=');
    if (!name || !(FAULT_NAMES as readonly string[]).includes(name)) throw new Error(`--fault: unknown fault '${name}' (${FAULT_NAMES.join(', ')})`);
    out[name] = num(value ?? '1', 'fault') ?? 1;
  }
  return out;
}

/** Parses argv into a raw scenario object (validated by the caller) and the CLI's own switches. */
export async function parseSimArgs(argv: string[]): Promise<{ scenario: Record<string, unknown>; extras: CliExtras }> {
  const { values: v } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  const s: Record<string, unknown> = v.scenario ? await readScenarioFile(v.scenario) : {};
  set(s, 'host', v.host);
  set(s, 'port', num(v.port, 'port'));
  set(s, 'collectors', num(v.collectors, 'collectors'));
  set(s, 'mnPrefix', v['mn-prefix']);
  set(s, 'version', v.version);
  set(s, 'profile', v.profile);
  set(s, 'password', v.password);
  set(s, 'durationS', num(v.duration, 'duration'));
  set(s, 'count', num(v.count, 'count'));
  set(s, 'ack', v.ack);
  set(s, 'overTimeS', num(v['over-time'], 'over-time'));
  set(s, 'reCount', num(v['re-count'], 're-count'));
  set(s, 'window', num(v.window, 'window'));
  set(s, 'speed', v.speed === 'max' ? 'max' : num(v.speed, 'speed'));
  set(s, 'start', v.start);
  set(s, 'rampS', num(v.ramp, 'ramp'));
  set(s, 'warmupS', num(v.warmup, 'warmup'));
  set(s, 'localAddresses', num(v['local-addresses'], 'local-addresses'));
  set(s, 'reconnectMs', num(v['reconnect-ms'], 'reconnect-ms'));
  set(s, 'seed', num(v.seed, 'seed'));
  set(s, 'progressS', num(v.progress, 'progress'));
  set(s, 'allowRemote', v['allow-remote']);
  if (v['mn-file']) s.mns = (await readFile(v['mn-file'], 'utf8')).split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const schedule = { ...((s.schedule as Record<string, unknown> | undefined) ?? {}) };
  set(schedule, 'realtimeS', num(v['realtime-interval'], 'realtime-interval'));
  set(schedule, 'minuteMin', num(v['minute-interval'], 'minute-interval'));
  if (v['no-hour']) schedule.hour = false;
  if (v['no-day']) schedule.day = false;
  s.schedule = schedule;
  if (v.fault) s.faults = { ...((s.faults as Record<string, unknown> | undefined) ?? {}), ...parseFaults(v.fault) };
  if (v.storm) {
    s.storms = v.storm.map((x) => {
      const [at, fraction] = x.split(':');
      return { atS: num(at, 'storm') ?? 0, fraction: num(fraction ?? '1', 'storm') ?? 1 };
    });
  }
  if (v.overwrite && !v.register) throw new Error('--overwrite needs --register');
  return { scenario: s, extras: { json: v.json ?? false, help: v.help ?? false, register: v.register, redisPrefix: v['redis-prefix'] ?? DEFAULT_CONFIG.redis.prefix, overwrite: v.overwrite ?? false } };
}
