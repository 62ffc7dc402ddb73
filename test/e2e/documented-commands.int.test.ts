/**
 * Every command README.md and docs/*.md tell users to type, run as written against the system started with
 * `npm start`, with its effect checked from the outside (HTTP API, real TCP). A documented command that this file
 * neither runs (STEPS) nor lists with a reason (SKIPPED) fails the suite, and so does a step whose command is no
 * longer documented: docs and suite stay in step.
 *
 * Substitution table — the only changes made to a documented command before bash runs it:
 *
 * | documented                 | run as                                      | why                                    |
 * |----------------------------|---------------------------------------------|----------------------------------------|
 * | `redis://127.0.0.1:6379`   | the test Redis, database 7                  | test services (scripts/test.sh)        |
 * | `http://127.0.0.1:8080`    | `http://127.0.0.1:<API port>`               | ephemeral API port                     |
 * | `npx hj212-sim …`          | `npx hj212-sim --port <gateway port> …`     | ephemeral gateway port (default 5003)  |
 * | `<MN>`, `<id>`, `<command>`| the value the step names                    | placeholders                           |
 * | `capture.bin`, `packet.json` | files the suite writes to a temp directory | file placeholders                      |
 *
 * A step's `stdin` is what a user would type at the command's prompt (a password for `npx hj212 user …`); the
 * command reads it from the pipe as the first line, as it does in scripts.
 *
 * `$TOKEN` is an environment variable, as for users: the admin token printed by `npx hj212 token create`.
 * `HJ212_API_URL` and `HJ212_TOKEN` are exported as docs/api.md says before its `npx hj212 command` block: the API
 * of the started system and that admin token.
 * The CLI and the system read HJ212_REDIS_URL (the test Redis, database 7, flushed first) and the default prefix.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { encodeFrame, uploadPacket } from '../../protocol/index.js';
import { connectCollector } from '../helpers/collector.js';
import { redisUrl } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';
import { documentedCommands, npmStartOnTestServices, shell, ROOT, type Run, type Running, type System } from './doc-commands.js';
import { STEPS, SKIPPED, type Ctx, type Step } from './documented-steps.js';

// Database 7 of the test Redis, flushed first: the system and the CLI run with the documented default prefix.
const REDIS_E2E = `${redisUrl()}/7`;
const TMP = mkdtempSync(join(tmpdir(), 'hj212-e2e-'));

const documented = documentedCommands();

t.test('every documented command is run or skipped with a reason, and every step is documented', async (tt) => {
  const known = new Set([...STEPS.map((s) => s.cmd), ...Object.keys(SKIPPED)]);
  for (const c of documented) tt.ok(known.has(c.text), `${c.where}: \`${c.text}\` is run by a step or listed in SKIPPED`);
  const texts = new Set(documented.map((c) => c.text));
  for (const cmd of known) tt.ok(texts.has(cmd), `\`${cmd}\` is still documented (else remove its step)`);
  for (const [cmd, why] of Object.entries(SKIPPED)) tt.ok(why.length > 20, `skipping \`${cmd}\` says why`);
});

t.test('documented commands against npm start', async (tt) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const frame = /`(##0101QN=20160801085857223[^`]+)`/.exec(readme)?.[1] ?? '';
  writeFileSync(join(TMP, 'packet.json'), /npx hj212 encode '(\{[^']+\})'/.exec(readme)?.[1] ?? '');
  writeFileSync(join(TMP, 'capture.bin'), `${frame}\r\njunk${frame}\r\n`);
  /** Simulators started by steps (ctx.startSim), stopped by ctx.stopSims or at the end. */
  const sims: Running[] = [];
  /** The started system, once it is up (independent steps start before it). */
  const live: { system?: System } = {};
  const ctx: Ctx = {
    api: '',
    tmp: TMP,
    vars: {},
    env: { ...process.env, NODE_OPTIONS: '', HJ212_REDIS_URL: REDIS_E2E, TOKEN: '' },
    background: new Map<string, Running>(),
    http: async (path, init = {}, token = ctx.env.TOKEN) => {
      const headers = { ...(init.headers as Record<string, string> | undefined), ...(token ? { authorization: `Bearer ${token}` } : {}) };
      const res = await fetch(`${ctx.api}${path}`, { ...init, headers });
      const text = await res.text();
      return { status: res.status, text, json: () => JSON.parse(text) as unknown };
    },
    sendUpload: async (mn, pw, dataTime, rtd) => {
      const c = await connectCollector(live.system!.gatewayPort);
      const p = uploadPacket({ st: '32', pw, mn, qn: `${dataTime}000` }, '2011', { dataTime, factors: [{ code: 'w01001', rtd, flag: 'N' }] });
      c.send(encodeFrame(p));
      const reply = await c.next((r) => r.qn === p.qn);
      c.close();
      return reply.cn;
    },
    sendRaw: async (frame, qn) => {
      const c = await connectCollector(live.system!.gatewayPort);
      c.send(frame);
      const reply = await c.next((r) => r.qn === qn);
      c.close();
      return reply.cn;
    },
    startSim: (args) => {
      sims.push(shell(`npx hj212-sim --port ${live.system!.gatewayPort} --register ${REDIS_E2E} ${args}`, ctx.env, 600_000));
    },
    stopSims: () => {
      for (const s of sims.splice(0)) s.kill();
    },
    waitFor,
    // `<command>` takes every name `hj212 --help` lists (its step checks that list).
    state: { commands: [...execFileSync(process.execPath, [join(ROOT, 'dist/src/cli/hj212.js'), '--help'], { encoding: 'utf8' }).matchAll(/^ {2}(\S+) /gm)].map((m) => m[1]).join(',') },
  };

  /** The documented command with the substitution table applied. */
  const substitute = (cmd: string, vars: Record<string, string>): string => {
    let out = cmd.replaceAll('redis://127.0.0.1:6379', REDIS_E2E).replace(/ (capture\.bin|packet\.json)\b/g, (_, f: string) => ` ${join(TMP, f)}`);
    if (live.system) {
      out = out.replaceAll('http://127.0.0.1:8080', ctx.api).replace(/^npx hj212-sim (?!.*--port)/, `npx hj212-sim --port ${live.system.gatewayPort} `);
    }
    for (const [k, v] of Object.entries(vars)) out = out.replaceAll(k, v);
    return out;
  };
  const runsOf = (step: Step): Array<Record<string, string>> => (step.each ? step.each(ctx) : [{}]);
  const keyOf = (step: Step, vars: Record<string, string>): string => `${step.cmd} ${JSON.stringify(vars)}`;

  // Steps that need neither the system nor an earlier step start at once, while the system comes up.
  const early = new Map<string, Running>();
  for (const step of STEPS.filter((s) => s.independent)) {
    for (const vars of runsOf(step)) early.set(keyOf(step, vars), shell(substitute(step.cmd, vars), ctx.env, undefined, step.stdin));
  }

  const started = await npmStartOnTestServices(REDIS_E2E);
  live.system = started;
  let stopped = false;
  tt.teardown(async () => {
    if (!stopped) await started.stop();
  });
  ctx.api = `http://127.0.0.1:${started.apiPort}`;

  const deferred: Array<{ label: string; step: (typeof STEPS)[number]; running: Running; vars: Record<string, string> }> = [];
  for (const step of STEPS) {
    for (const vars of runsOf(step)) {
      const label = `${step.cmd}${Object.keys(vars).length > 0 ? ` (${Object.entries(vars).map(([k, v]) => `${k}=${v}`).join(' ')})` : ''}`;
      await tt.test(label, async (st) => {
        await step.before?.(ctx, st);
        const command = substitute(step.cmd, { ...ctx.vars, ...vars });
        // Background runs (a 60 s simulator fleet) start while the system is still busy coming up: a wider bound.
        const running = early.get(keyOf(step, vars)) ?? shell(command, ctx.env, step.background ? 300_000 : undefined, step.stdin);
        if (step.background) {
          ctx.background.set(step.cmd, running);
          deferred.push({ label, step, running, vars });
          st.pass(`started in the background: ${command}`);
          return;
        }
        const result: Run = await running.done;
        st.comment(`$ ${command}`);
        await step.check(result, ctx, st, vars);
      });
    }
  }

  for (const { label, step, running, vars } of deferred) {
    await tt.test(`${label} (finished)`, async (st) => step.check(await running.done, ctx, st, vars));
  }

  ctx.stopSims();
  stopped = true;
  tt.equal(await started.stop(), 0, 'npm start ends cleanly on SIGTERM');
  tt.notOk(started.logs.some((l) => /654321|hj212_[A-Za-z0-9_-]{43}/.test(l)), 'no device password or token secret in the logs');
});
