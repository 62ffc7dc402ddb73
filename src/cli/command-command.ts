/**
 * `hj212 command <mn> <name> [args]`: send a collector a reverse-control command through the HTTP API (POST
 * /collectors/:mn/commands) and wait for its outcome (GET /commands/:id until the entry is final). The API, not
 * Redis, because commands are audited under a token and checked by role like every other operator action.
 * Exit codes: 0 succeeded (or answered), 1 refused / failed / timed out / offline / API error, 2 usage error.
 */
import { parseArgs } from 'node:util';
import { defaultIo, EXIT, type CommandIo } from './command-io.js';

export const USAGE = `usage: hj212 command <mn> <name> [args] [--api URL] [--token TOKEN] [--wait SECONDS]

  set-timeout <overTime> <reCount>     1000: the collector's answer time-out (s) and retries
  get-time [polId]                     1011: the collector's clock (SystemTime)
  set-time [time]                      1012: set it (ISO 8601 with offset; default: now)
  get-rtd-interval                     1061
  set-rtd-interval <seconds>           1062
  get-min-interval                     1063
  set-min-interval <minutes>           1064
  set-password                         1072: the new password is read from stdin (first line)
  history <minute|hour|day|runtime-day> <begin> <end>   2051/2061/2031/2041 (ISO 8601 with offset)
  start-realtime | stop-realtime | start-running-status | stop-running-status   2011/2012/2021/2022

  --api     API base URL (env HJ212_API_URL, default http://127.0.0.1:8080)
  --token   bearer token (env HJ212_TOKEN; prefer the variable: arguments are visible to other users)
  --wait    give up waiting after this many seconds (default 120); the command itself goes on
Prints the final ledger entry as JSON on stdout and one line of outcome on stderr.
`;

class UsageError extends Error {}

const BARE = new Set(['get-rtd-interval', 'get-min-interval', 'start-realtime', 'stop-realtime', 'start-running-status', 'stop-running-status']);
const POLL_MS = 200;

function positiveInt(value: string | undefined, what: string): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`${what} must be a positive whole number`);
  return Number(value);
}

/** The request body for `name` and its arguments. */
async function bodyOf(name: string, args: string[], readSecret: () => Promise<string>): Promise<Record<string, unknown>> {
  if (BARE.has(name)) return { name };
  switch (name) {
    case 'get-time':
      return args[0] === undefined ? { name } : { name, polId: args[0] };
    case 'set-time':
      return args[0] === undefined ? { name } : { name, time: args[0] };
    case 'set-timeout':
      return { name, overTime: positiveInt(args[0], 'overTime'), reCount: args[1] === '0' ? 0 : positiveInt(args[1], 'reCount') };
    case 'set-rtd-interval':
      return { name, seconds: positiveInt(args[0], 'seconds') };
    case 'set-min-interval':
      return { name, minutes: positiveInt(args[0], 'minutes') };
    case 'set-password': {
      const password = (await readSecret()).split(/\r?\n/)[0] ?? '';
      if (password === '') throw new UsageError('set-password: give the new password on stdin');
      return { name, password };
    }
    case 'history':
      if (args.length < 3) throw new UsageError('history: kind, begin and end are required');
      return { name, kind: args[0], beginTime: args[1], endTime: args[2] };
    default:
      throw new UsageError(`unknown command name '${name}'`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface Entry {
  id: string;
  state: string;
  final: boolean;
  qn: string;
  cn: string;
  qnRtn?: string;
  exeRtn?: string;
  answer?: Record<string, string>;
  detail?: string;
}

export async function run(argv: string[], io: CommandIo = defaultIo, readSecret: () => Promise<string> = readStdin): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { api: { type: 'string' }, token: { type: 'string' }, wait: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    const [mn, name, ...args] = positionals;
    if (mn === undefined || name === undefined) throw new UsageError('missing <mn> or <name>');
    const token = values.token ?? io.env.HJ212_TOKEN;
    if (!token) throw new UsageError('no token: set HJ212_TOKEN or pass --token');
    const api = (values.api ?? io.env.HJ212_API_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    const waitMs = (values.wait === undefined ? 120 : positiveInt(values.wait, '--wait')) * 1000;
    const body = await bodyOf(name, args, readSecret);
    const headers = { authorization: `Bearer ${token}` };

    const call = async (method: string, path: string, payload?: object): Promise<Entry | undefined> => {
      const res = await fetch(`${api}${path}`, { method, headers: payload ? { ...headers, 'content-type': 'application/json' } : headers, body: payload ? JSON.stringify(payload) : undefined });
      const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (res.ok) return json as unknown as Entry;
      io.err(`hj212 command: ${res.status} ${String(json.code ?? '')} ${String(json.detail ?? json.title ?? '')}\n`);
      return undefined;
    };
    let entry = await call('POST', `/collectors/${encodeURIComponent(mn)}/commands`, body);
    if (!entry) return EXIT.failed;
    io.err(`${name} (CN ${entry.cn}) QN ${entry.qn}: ${entry.state}\n`);
    const deadline = Date.now() + waitMs;
    while (!entry.final && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const next = await call('GET', `/commands/${encodeURIComponent(entry.id)}`);
      if (!next) return EXIT.failed;
      entry = next;
    }
    io.out(`${JSON.stringify(entry, null, 2)}\n`);
    if (!entry.final) {
      io.err(`still ${entry.state} after ${waitMs / 1000} s; follow it with GET /commands/${entry.id}\n`);
      return EXIT.failed;
    }
    const codes = [entry.qnRtn && `QnRtn=${entry.qnRtn}`, entry.exeRtn && `ExeRtn=${entry.exeRtn}`].filter(Boolean).join(' ');
    io.err(`${entry.state}${codes ? ` (${codes})` : ''}${entry.detail ? `: ${entry.detail}` : ''}\n`);
    return entry.state === 'succeeded' || entry.state === 'answered' ? EXIT.ok : EXIT.failed;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`hj212 command: ${err.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    io.err(`hj212 command: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failed;
  }
}
