/**
 * Documented-commands steps for the collector quirks (README "Collectors as they really are") and reverse control
 * (docs/api.md "Commands"): each command exactly as written, its effect checked over TCP and HTTP.
 */
import type { Test } from 'tap';
import { encodeFrame, uploadPacket } from '../../protocol/index.js';
import type { Run } from './doc-commands.js';
import type { Ctx, Step } from './documented-steps.js';

const OFFSET_MN = '33010600000001P00000006A';
const GO_MN = 'JLYP01_AIR01_0001';
/** The simulated collector the command steps talk to (started by the first of them). */
const CMD_MN = 'CMD000000000000000000000';

function ok(t: Test, r: Run): void {
  t.equal(r.code, 0, `exit 0${r.code === 0 ? '' : `: ${r.stderr}`}`);
}

/** A 2011 upload of `mn` whose length field says `lengthOffset` more than the data segment has. */
function lyingFrame(mn: string, dataTime: string, lengthOffset: number): { frame: Buffer; qn: string } {
  const qn = `${dataTime}000`;
  const p = uploadPacket({ st: '32', pw: '654321', mn, qn }, '2011', { dataTime, factors: [{ code: 'w01001', rtd: '7.2', flag: 'N' }] });
  const text = Buffer.from(encodeFrame(p)).toString('latin1');
  const length = Number(text.slice(2, 6)) + lengthOffset;
  return { frame: Buffer.from(`##${String(length).padStart(4, '0')}${text.slice(6)}`, 'latin1'), qn };
}

async function profile(ctx: Ctx, mn: string): Promise<Record<string, unknown>> {
  const res = await ctx.http(`/collectors/${mn}`);
  return res.status === 200 ? ((res.json() as { profile: Record<string, unknown> }).profile ?? {}) : { status: res.status };
}

async function finalEntry(r: Run): Promise<{ state: string; name: string; mn: string; answer?: Record<string, string> }> {
  return JSON.parse(r.stdout) as { state: string; name: string; mn: string; answer?: Record<string, string> };
}

export const MORE_STEPS: Step[] = [
  {
    cmd: `npx hj212 device add --mn ${OFFSET_MN} --password 654321 --version 2017 --length-policy offset:6`,
    async check(r, ctx, t) {
      ok(t, r);
      t.match(await profile(ctx, OFFSET_MN), { lengthPolicy: 'offset:6' }, 'the policy as the API sees it');
      const { frame, qn } = lyingFrame(OFFSET_MN, '20240315120000', 6);
      t.equal(await ctx.sendRaw(frame, qn), '9014', 'a frame whose length field says len + 6 is acked');
    },
  },
  {
    cmd: `npx hj212 device add --mn ${GO_MN} --password 654321 --version 2017 --allow-mn-length --mn-charset extended`,
    async check(r, ctx, t) {
      ok(t, r);
      t.equal((await ctx.http(`/collectors/${GO_MN}`)).status, 200, 'registered; its MN works in a URL');
      t.equal(await ctx.sendUpload(GO_MN, '654321', '20240315120000', '6.9'), '9014', 'its frames are acked');
      const latest = (await ctx.http(`/collectors/${GO_MN}/latest?kind=realtime`)).json() as { readings: Array<{ mn: string; rtd?: number }> };
      t.match(latest.readings, [{ mn: GO_MN, rtd: 6.9 }], 'read back through the API');
    },
  },
  {
    cmd: `npx hj212 device set ${OFFSET_MN} --length-policy exact`,
    async check(r, ctx, t) {
      ok(t, r);
      t.match(await profile(ctx, OFFSET_MN), { lengthPolicy: 'exact' });
      const { frame, qn } = lyingFrame(OFFSET_MN, '20240315121000', 6);
      await ctx.waitFor(async () => (await ctx.sendRaw(frame, qn)) === '9011', 'the gateway refuses the lying length field again');
      t.pass('len + 6 answered 9011 under the exact policy');
    },
  },
  {
    cmd: 'npx hj212 decode --length-policy offset:6 --mn-charset extended capture.bin',
    independent: true,
    async check(r, _ctx, t) {
      ok(t, r);
      const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { ok: boolean });
      t.equal(lines.filter((l) => l.ok).length, 2, 'both frames of the capture decode');
    },
  },
  {
    cmd: 'npx hj212 command --help',
    independent: true,
    async check(r, _ctx, t) {
      ok(t, r);
      for (const name of ['get-time', 'set-time', 'set-rtd-interval', 'set-password', 'history']) t.match(r.stdout, new RegExp(`\\b${name}\\b`), `lists ${name}`);
    },
  },
  {
    cmd: 'npx hj212 command <MN> get-time',
    async before(ctx, t) {
      ctx.vars['<MN>'] = CMD_MN;
      ctx.env.HJ212_API_URL = ctx.api;
      ctx.env.HJ212_TOKEN = ctx.env.TOKEN;
      // A collector to talk to: the simulator, registered, uploading and answering host requests.
      ctx.startSim(`--collectors 1 --mn-prefix CMD --duration 300 --ack`);
      await ctx.waitFor(async () => {
        const res = await ctx.http(`/collectors/${CMD_MN}/status`);
        return res.status === 200 && (res.json() as { online?: boolean }).online === true;
      }, 'the simulated collector is online', 60_000);
      t.pass(`${CMD_MN} online`);
    },
    async check(r, _ctx, t) {
      ok(t, r);
      const entry = await finalEntry(r);
      t.match(entry, { mn: CMD_MN, name: 'get-time' });
      t.match(entry.answer?.SystemTime, /^\d{14}$/, "the collector's clock (SystemTime) is in the answer");
    },
  },
  {
    cmd: 'npx hj212 command <MN> set-rtd-interval 30',
    async check(r, _ctx, t) {
      ok(t, r);
      t.equal((await finalEntry(r)).state, 'succeeded', 'executed (9012 ExeRtn=1)');
    },
  },
  {
    cmd: 'npx hj212 command <MN> history hour 2024-05-10T03:00:00+08:00 2024-05-10T05:00:00+08:00',
    async check(r, ctx, t) {
      ok(t, r);
      t.equal((await finalEntry(r)).state, 'succeeded', 'the history request was executed');
      const q = new URLSearchParams({ mn: CMD_MN, kind: 'hour', from: '2024-05-10T03:00:00+08:00', to: '2024-05-10T05:00:00+08:00' });
      await ctx.waitFor(async () => ((await ctx.http(`/readings?${q}`)).json() as { readings?: unknown[] }).readings?.length !== 0, 'the hours it sent are stored');
      ctx.stopSims();
    },
  },
];
