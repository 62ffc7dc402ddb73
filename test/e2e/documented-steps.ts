/**
 * The steps of the documented-commands suite, in the order a new user would take them: each `cmd` is a command
 * exactly as README.md / docs/*.md write it, `check` asserts its effect from the outside. SKIPPED lists documented
 * commands the suite does not run, each with the reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { encodeFrame } from '../../protocol/index.js';
import { ROOT, type Run, type Running } from './doc-commands.js';
import { ACCOUNT_STEPS } from './documented-steps-accounts.js';
import { MORE_STEPS } from './documented-steps-more.js';

export interface Ctx {
  api: string;
  tmp: string;
  /** Placeholder values (`<MN>`, `<id>`) for the following steps. */
  vars: Record<string, string>;
  /** Environment of every command (HJ212_REDIS_URL, TOKEN). */
  env: NodeJS.ProcessEnv;
  background: Map<string, Running>;
  http(path: string, init?: RequestInit, token?: string): Promise<{ status: number; text: string; json: () => unknown }>;
  /** One 2011 upload with w01001-Rtd over real TCP; resolves to the CN of the gateway's answer. */
  sendUpload(mn: string, pw: string, dataTime: string, rtd: string): Promise<string>;
  /** Raw frame bytes over real TCP; resolves to the CN of the gateway's answer to QN `qn`. */
  sendRaw(frame: Uint8Array, qn: string): Promise<string>;
  /** `npx hj212-sim --port <gateway> --register <test Redis> <args>` in the background, until stopSims(). */
  startSim(args: string): void;
  stopSims(): void;
  waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs?: number): Promise<void>;
  state: Record<string, string>;
}

export interface Step {
  cmd: string;
  /** One run per entry, with these placeholder values. */
  each?: (ctx: Ctx) => Array<Record<string, string>>;
  before?: (ctx: Ctx, t: Test) => Promise<void>;
  /** Started without waiting; checked after every other step. */
  background?: boolean;
  /** Needs neither the system nor an earlier step: started before the system, checked in its turn. */
  independent?: boolean;
  /** Written to the command's stdin (what a user types at its prompt, e.g. a password). */
  stdin?: string;
  check: (r: Run, ctx: Ctx, t: Test, vars: Record<string, string>) => Promise<void>;
}

const MN = '33010600000001W00000001A';
const LEGACY_MN = '12345678901';
const NEW_MN = 'NEW000000000000000000000';
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function ok(t: Test, r: Run): void {
  t.equal(r.code, 0, `exit 0${r.code === 0 ? '' : `: ${r.stderr}`}`);
}

function json<T>(r: Run): T {
  return JSON.parse(r.stdout) as T;
}

function jsonLines(r: Run): Array<Record<string, unknown>> {
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

interface SimSummary {
  collectors: number;
  uploads: number;
  acked: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
  timeouts: number;
  errors: number;
}

async function collector(ctx: Ctx, mn: string): Promise<Record<string, unknown>> {
  const res = await ctx.http(`/collectors/${mn}`);
  return res.status === 200 ? (res.json() as Record<string, unknown>) : { status: res.status };
}

async function readings(ctx: Ctx, mn: string, kind: string, from: string, to: string): Promise<Array<Record<string, unknown>>> {
  const q = new URLSearchParams({ mn, kind, from, to, limit: '10000' });
  const res = await ctx.http(`/readings?${q}`);
  return (res.json() as { readings?: Array<Record<string, unknown>> }).readings ?? [];
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');

const sim = (i: number, prefix = 'SIM'): string => `${prefix}${String(i).padStart(24 - prefix.length, '0')}`;

export const SKIPPED: Record<string, string> = {
  'npx hj212-sim --scenario scenarios/faulty-fleet.yaml --register redis://127.0.0.1:6379':
    'a 5-minute, 500-collector load scenario; each of its faults is replayed through the real gateway by test/sim/faults.int.test.ts',
  'npx hj212 encode … > capture.bin': 'an elided packet (…); the complete encode command is run from the block above it',
  'npx hj212-sim': 'names the simulator bin; its documented runs are the full commands in docs/simulator.md',
  'npx hj212': 'names the bin (how npx finds it in the repository); every documented hj212 command is a step',
};

export const STEPS: Step[] = [
  {
    cmd: 'npx hj212-sim --collectors 100 --duration 60 --ack --register redis://127.0.0.1:6379',
    background: true,
    async check(r, ctx, t) {
      ok(t, r);
      const s = json<SimSummary>(r);
      t.equal(s.collectors, 100, 'a fleet of 100');
      t.ok(s.acked >= 100, `every collector acked (${s.acked} acks of ${s.uploads} uploads)`);
      t.equal(s.rejected + s.timeouts + s.errors, 0, 'nothing rejected, timed out or failed');
      const now = Date.now();
      for (const i of [0, 99]) {
        const rows = await readings(ctx, sim(i), 'realtime', iso(now - 3_600_000), iso(now + 1000));
        t.ok(rows.length > 0, `${sim(i)}: realtime readings read back through GET /readings`);
      }
    },
  },
  {
    cmd: 'npx hj212 --help',
    independent: true,
    async check(r, ctx, t) {
      ok(t, r);
      const names = [...r.stdout.matchAll(/^ {2}(\S+) /gm)].map((m) => m[1]!);
      t.equal(names.join(','), ctx.state.commands, 'the commands `<command>` stands for');
      for (const want of ['decode', 'encode', 'crc', 'device', 'token']) t.ok(names.includes(want), `lists ${want}`);
    },
  },
  {
    cmd: 'npx hj212 <command> --help',
    independent: true,
    each: (ctx) => (ctx.state.commands ?? '').split(',').map((c) => ({ '<command>': c })),
    async check(r, _ctx, t, vars) {
      ok(t, r);
      t.match(r.stdout, new RegExp(`usage:[^]*hj212 ${vars['<command>']}`), 'prints its usage');
    },
  },
  {
    cmd: 'npx hj212 device --help',
    independent: true,
    async check(r, _ctx, t) {
      ok(t, r);
      t.match(r.stdout, /--allow-mn-length[^]*--max-data-length/, 'lists the options README names');
    },
  },
  {
    cmd: 'npx hj212 token create --role admin',
    async check(r, ctx, t) {
      ok(t, r);
      t.equal((await ctx.http('/me', {}, '')).status, 401, 'the API wants a token');
      const { token, record } = json<{ token: string; record: { role: string } }>(r);
      t.equal(record.role, 'admin');
      const me = await ctx.http('/me', {}, token);
      t.equal(me.status, 200, 'the printed token works on the API');
      t.match(me.json(), { role: 'admin' });
      ctx.env.TOKEN = token;
    },
  },
  {
    cmd: 'curl -s -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/me',
    async check(r, _ctx, t) {
      ok(t, r);
      t.match(json(r), { role: 'admin' }, 'the token record');
    },
  },
  {
    cmd: 'npx hj212 token create --role admin --name "alice (ops lead)"',
    async check(r, ctx, t) {
      ok(t, r);
      const { token, record } = json<{ token: string; record: { name: string } }>(r);
      t.equal(record.name, 'alice (ops lead)', 'the quoted name arrives whole');
      const tokens = await ctx.http('/tokens?q=alice', {}, token);
      t.equal(tokens.status, 200, 'an admin token: may list tokens');
      t.match(tokens.json(), { total: 1, limit: 100, items: [{ name: 'alice (ops lead)', role: 'admin' }] }, 'a page of the tokens whose name contains q');
      ctx.state.aliceToken = token;
    },
  },
  {
    cmd: 'npx hj212 token create --role enterprise --enterprise <id> --name "ACME main account"',
    async before(ctx, t) {
      const res = await ctx.http('/enterprises', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ACME' }) });
      t.equal(res.status, 201, 'enterprise created over the API');
      ctx.vars['<id>'] = (res.json() as { id: string }).id;
    },
    async check(r, ctx, t) {
      ok(t, r);
      const { token, record } = json<{ token: string; record: { id: string } }>(r);
      const me = await ctx.http('/me', {}, token);
      t.match(me.json(), { role: 'enterprise', enterpriseId: ctx.vars['<id>'], main: true }, 'a main account of that enterprise');
      t.equal((await ctx.http(`/enterprises/${ctx.vars['<id>']}`, {}, token)).status, 200, 'sees its enterprise');
      ctx.state.enterpriseToken = token;
      ctx.state.enterpriseTokenId = record.id;
    },
  },
  {
    cmd: 'npx hj212 token list',
    async check(r, ctx, t) {
      ok(t, r);
      const list = json<Array<{ id: string; role: string }>>(r);
      t.ok(list.some((x) => x.id === ctx.state.enterpriseTokenId), 'lists the tokens created');
      t.equal(list.length, 3);
      for (const secret of [ctx.env.TOKEN!, ctx.state.aliceToken!, ctx.state.enterpriseToken!]) t.notOk(r.stdout.includes(secret), 'never a secret');
      t.notMatch(r.stdout, /hash/i, 'never a hash');
    },
  },
  {
    cmd: 'npx hj212 token revoke <id>',
    async before(ctx) {
      ctx.vars['<id>'] = ctx.state.enterpriseTokenId!;
    },
    async check(r, ctx, t) {
      ok(t, r);
      // docs/api.md: a CLI revocation applies within 5 s (each API process trusts a verified token that long).
      await ctx.waitFor(async () => (await ctx.http('/me', {}, ctx.state.enterpriseToken)).status === 401, 'the revoked token is refused');
      t.pass('revoked token answered 401');
    },
  },
  {
    cmd: `npx hj212 device add --mn ${MN} --password 654321 --version 2017`,
    async check(r, ctx, t) {
      ok(t, r);
      t.match(await collector(ctx, MN), { mn: MN, version: '2017', enabled: true }, 'visible over the API');
      t.equal(await ctx.sendUpload(MN, '654321', '20240315103000', '7.3'), '9014', 'its frames are acked');
      const rows = await readings(ctx, MN, 'realtime', '2024-03-15T10:00:00+08:00', '2024-03-15T11:00:00+08:00');
      t.match(rows, [{ mn: MN, factor: 'w01001', rtd: 7.3, time: '2024-03-15T10:30:00+08:00' }], 'read back through GET /readings');
    },
  },
  {
    cmd: `npx hj212 device add --mn ${LEGACY_MN} --password 123456 --version 2005 --allow-mn-length --crc hj212,modbus`,
    async check(r, ctx, t) {
      ok(t, r);
      t.match(r.stderr, /weak/, 'the weak password is reported');
      t.match(await collector(ctx, LEGACY_MN), { version: '2005', allowMnLength: true, profile: { crcVariants: ['hj212', 'modbus'] } });
    },
  },
  {
    cmd: 'npx hj212 device list',
    async check(r, _ctx, t) {
      ok(t, r);
      const mns = json<Array<{ mn: string }>>(r).map((d) => d.mn);
      t.ok([LEGACY_MN, MN].every((mn) => mns.includes(mn)), 'lists both devices added');
      t.notMatch(r.stdout, /passwordHash|passwordSalt/, 'never a password hash');
    },
  },
  {
    cmd: 'npx hj212 device show <MN>',
    async before(ctx) {
      ctx.vars['<MN>'] = MN;
    },
    async check(r, _ctx, t) {
      ok(t, r);
      t.match(json(r), { mn: MN, version: '2017' });
    },
  },
  {
    cmd: 'npx hj212 device set <MN> --crc modbus',
    async check(r, ctx, t) {
      ok(t, r);
      t.match(await collector(ctx, MN), { profile: { crcVariants: ['modbus'] } }, 'changed as the API sees it');
    },
  },
  {
    cmd: 'npx hj212 device disable <MN>',
    async check(r, ctx, t) {
      ok(t, r);
      t.match(await collector(ctx, MN), { enabled: false });
    },
  },
  {
    cmd: 'npx hj212 device enable <MN>',
    async check(r, ctx, t) {
      ok(t, r);
      t.match(await collector(ctx, MN), { enabled: true });
    },
  },
  {
    cmd: 'curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:8080/readings?mn=<MN>&kind=realtime&from=2024-01-01T00:00:00%2B08:00&format=csv"',
    async check(r, _ctx, t) {
      ok(t, r);
      t.ok(r.stdout.startsWith('\uFEFF'), 'a UTF-8 byte order mark for Excel');
      const rows = r.stdout.slice(1).split('\r\n');
      t.match(rows[0], /^time,enterprise_id,enterprise,site_id,site,point_id,point,factor_name,unit,mn,factor,st,rtd,/, 'CSV header: names beside ids');
      t.match(rows[1], new RegExp(`^2024-03-15T10:30:00\\+08:00,(?:[^,]*,){8}${MN},w01001,32,7.3,`), 'the reading sent over TCP');
    },
  },
  {
    cmd: 'npx hj212-sim --collectors 10 --duration 3600 --speed max --ack',
    background: true,
    async before(ctx) {
      // docs/simulator.md: this run reuses the devices the first run registered.
      const first = ctx.background.get(STEPS[0]!.cmd);
      await ctx.waitFor(() => (first?.stderr ?? '').includes('registered 100 devices'), 'the first simulator run registered its fleet', 60_000);
      ctx.state.simStart = String(Date.now() - 60_000);
    },
    async check(r, ctx, t) {
      ok(t, r);
      const s = json<SimSummary>(r);
      t.ok(s.uploads > 0, `${s.uploads} uploads`);
      t.equal(s.acked, s.uploads, 'every upload acked');
      t.equal(s.rejected + s.timeouts + s.errors, 0);
      const from = Number(ctx.state.simStart);
      for (let i = 0; i < 10; i++) {
        const rows = await readings(ctx, sim(i), 'minute', iso(from), iso(from + 3 * 3_600_000));
        t.ok(rows.length >= 5, `${sim(i)}: an hour of 10-minute data read back (${rows.length} rows)`);
      }
    },
  },
  {
    cmd: `npx hj212-sim --collectors 1 --count 1 --speed max --ack --mn-prefix NEW`,
    async check(r, _ctx, t) {
      ok(t, r);
      t.same(json<SimSummary>(r).rejectedByCode, { 4: 1 }, 'answered 9011 QnRtn=4');
    },
  },
  {
    cmd: 'npx hj212 device pending',
    async check(r, ctx, t) {
      ok(t, r);
      t.match(json(r), [{ mn: NEW_MN, sourceIp: '127.0.0.1', frames: 1 }], 'the unknown MN');
      t.match((await ctx.http('/pending-devices')).json(), { items: [{ mn: NEW_MN }] }, 'also in GET /pending-devices');
    },
  },
  {
    cmd: `curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"password":"123456"}' http://127.0.0.1:8080/pending-devices/${NEW_MN}/register`,
    async check(r, ctx, t) {
      ok(t, r);
      t.match(json(r), { mn: NEW_MN, enabled: true }, 'registered');
      t.equal(((await ctx.http('/pending-devices')).json() as { total: number }).total, 0, 'no longer pending');
      const again = await ctx.http(`/collectors/${NEW_MN}`);
      t.equal(again.status, 200);
      t.equal(await ctx.sendUpload(NEW_MN, '123456', '20240315110000', '7.1'), '9014', 'its frames are now acked');
    },
  },
  {
    cmd: `npx hj212 encode '{"qn":"20160801085857223","st":"32","cn":"1062","pw":"100000","mn":"010000A8900016F000169DC0","flag":5,"cp":{"RtdInterval":"30"}}'`,
    independent: true,
    async check(r, ctx, t) {
      ok(t, r);
      const documentedFrame = /`(##0101QN=20160801085857223[^`]+)`/.exec(README)?.[1];
      t.ok(documentedFrame, 'README shows the frame');
      t.equal(r.stdout, `${documentedFrame}\r\n`, 'the frame README shows, with CR LF');
    },
  },
  {
    cmd: 'npx hj212 encode --crc modbus --max-data-length 1024 < packet.json',
    independent: true,
    async check(r, _ctx, t) {
      ok(t, r);
      const modbusFrame = encodeFrame(JSON.parse(readFileSync(join(ROOT, 'README.md'), 'utf8').match(/npx hj212 encode '(\{[^']+\})'/)![1]!), { crc: 'modbus' });
      t.equal(r.stdout, Buffer.from(modbusFrame).toString(), 'the packet of packet.json with the Modbus CRC (0759)');
      t.match(r.stdout, /&&0759\r\n$/);
    },
  },
  {
    cmd: 'npx hj212 decode capture.bin',
    independent: true,
    async check(r, _ctx, t) {
      ok(t, r);
      const lines = jsonLines(r);
      t.equal(lines.length, 2, 'one line per frame');
      t.match(lines, [
        { offset: 0, ok: true, crc: 'hj212', version: '2017', cn: '1062', cp: { RtdInterval: '30' } },
        { ok: true, cn: '1062' },
      ]);
      t.match(r.stderr, /4 byte\(s\) discarded/, 'the junk between them');
    },
  },
  {
    cmd: 'npx hj212 decode --jsonl < fixtures/corpus/packets.jsonl',
    independent: true,
    async check(r, _ctx, t) {
      ok(t, r);
      const ids = new Set(readFileSync(join(ROOT, 'fixtures/corpus/packets.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id));
      const seen = new Set(jsonLines(r).map((l) => l.id));
      t.same([...ids].filter((id) => !seen.has(id)), [], 'a line for every input line, echoing its id');
    },
  },
  {
    cmd: 'npx hj212 decode --jsonl --strict --encoding gbk < fixtures/corpus/packets.jsonl',
    independent: true,
    async check(r, _ctx, t) {
      ok(t, r);
      const lines = jsonLines(r);
      t.ok(lines.some((l) => l.ok === true) && lines.some((l) => l.ok === false), 'strict mode accepts some and rejects some');
    },
  },
  {
    cmd: "npx hj212 crc 'QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&'",
    independent: true,
    async check(r, _ctx, t) {
      ok(t, r);
      const documented = [...README.matchAll(/`(hj212|modbus|modbus-swapped) ([0-9A-F]{4})`/g)].map((m) => [m[1], m[2]]);
      t.equal(documented.length, 3, 'README shows the three values');
      const printed = r.stdout.trim().split('\n').map((l) => l.split(/\s+/));
      t.same(printed, documented, 'the values README shows');
    },
  },
  ...MORE_STEPS,
  ...ACCOUNT_STEPS,
];
