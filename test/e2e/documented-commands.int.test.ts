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
 * `$TOKEN` is an environment variable, as for users: the admin token printed by `npx hj212 token create`.
 * The CLI and the system read HJ212_REDIS_URL (the test Redis, database 7, flushed first) and the default prefix.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import t from 'tap';
import { encodeFrame, uploadPacket } from '../../protocol/index.js';
import { connectCollector } from '../helpers/collector.js';
import { freshDatabase, influxUrl, redisUrl } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';
import { documentedCommands, npmStart, shell, ROOT, type Run, type Running, type System } from './doc-commands.js';
import { STEPS, SKIPPED, type Ctx } from './documented-steps.js';

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
  const flush = new Redis(REDIS_E2E);
  await flush.flushdb();
  await flush.quit();
  const system: System = await npmStart({
    ...process.env,
    NODE_OPTIONS: '',
    HJ212_REDIS_URL: REDIS_E2E,
    HJ212_INFLUX_URL: influxUrl(),
    HJ212_INFLUX_DATABASE: freshDatabase(),
    HJ212_TCP_HOST: '127.0.0.1',
    HJ212_TCP_PORT: '0',
    HJ212_HTTP_HOST: '127.0.0.1',
    HJ212_HTTP_PORT: '0',
  });
  let stopped = false;
  tt.teardown(async () => {
    if (!stopped) await system.stop();
  });
  const api = `http://127.0.0.1:${system.apiPort}`;
  const ctx: Ctx = {
    api,
    tmp: TMP,
    vars: {},
    env: { ...process.env, NODE_OPTIONS: '', HJ212_REDIS_URL: REDIS_E2E, TOKEN: '' },
    background: new Map<string, Running>(),
    http: async (path, init = {}, token = ctx.env.TOKEN) => {
      const headers = { ...(init.headers as Record<string, string> | undefined), ...(token ? { authorization: `Bearer ${token}` } : {}) };
      const res = await fetch(`${api}${path}`, { ...init, headers });
      const text = await res.text();
      return { status: res.status, text, json: () => JSON.parse(text) as unknown };
    },
    sendUpload: async (mn, pw, dataTime, rtd) => {
      const c = await connectCollector(system.gatewayPort);
      const p = uploadPacket({ st: '32', pw, mn, qn: `${dataTime}000` }, '2011', { dataTime, factors: [{ code: 'w01001', rtd, flag: 'N' }] });
      c.send(encodeFrame(p));
      const reply = await c.next((r) => r.qn === p.qn);
      c.close();
      return reply.cn;
    },
    waitFor,
    state: {},
  };
  writeFileSync(join(TMP, 'packet.json'), readFileSync(join(ROOT, 'README.md'), 'utf8').match(/npx hj212 encode '(\{[^']+\})'/)?.[1] ?? '');

  /** The documented command with the substitution table applied. */
  const substitute = (cmd: string, vars: Record<string, string>): string => {
    let out = cmd
      .replaceAll('redis://127.0.0.1:6379', REDIS_E2E)
      .replaceAll('http://127.0.0.1:8080', api)
      .replace(/^npx hj212-sim (?!.*--port)/, `npx hj212-sim --port ${system.gatewayPort} `)
      .replace(/ (capture\.bin|packet\.json)\b/g, (_, f: string) => ` ${join(TMP, f)}`);
    for (const [k, v] of Object.entries(vars)) out = out.replaceAll(k, v);
    return out;
  };

  const deferred: Array<{ label: string; step: (typeof STEPS)[number]; running: Running; vars: Record<string, string> }> = [];
  for (const step of STEPS) {
    const runs = step.each ? step.each(ctx) : [{}];
    for (const vars of runs) {
      const label = `${step.cmd}${Object.keys(vars).length > 0 ? ` (${Object.entries(vars).map(([k, v]) => `${k}=${v}`).join(' ')})` : ''}`;
      await tt.test(label, async (st) => {
        await step.before?.(ctx, st);
        const command = substitute(step.cmd, { ...ctx.vars, ...vars });
        const running = shell(command, ctx.env);
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

  stopped = true;
  tt.equal(await system.stop(), 0, 'npm start ends cleanly on SIGTERM');
  tt.notOk(system.logs.some((l) => /654321|hj212_[A-Za-z0-9_-]{43}/.test(l)), 'no device password or token secret in the logs');
});
