/**
 * Reverse control end to end: the real gateway, worker and API roles on real Redis / InfluxDB, simulated collectors
 * (src/sim) answering over TCP. Commands go in through HTTP and through the `hj212 command` bin; the ledger entry
 * follows 9011 / data answer / 9012, resends after OverTime, times out, and finds offline collectors. set-password
 * moves the registry to the new password exactly when the collector confirms it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { encodeFrame, execReply, requestReply, uploadPacket } from '../../protocol/index.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { verifyPassword } from '../../src/domain/password.js';
import { startApiRole } from '../../src/roles/api-role.js';
import { startWorkerRole } from '../../src/roles/worker-role.js';
import { createFleet } from '../../src/sim/fleet.js';
import { parseScenario } from '../../src/sim/scenario.js';
import { createRedisAudit } from '../../src/storage/redis/audit.js';
import { createRedisRegistry } from '../../src/storage/redis/registry.js';
import { createRedisCatalog } from '../../src/storage/redis/catalog.js';
import { createRedisTokens } from '../../src/storage/redis/tokens.js';
import { connectCollector } from '../helpers/collector.js';
import { startTestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const BIN = fileURLToPath(new URL('../../src/cli/hj212.js', import.meta.url));
const HOUR = 3_600_000;

interface Entry {
  id: string;
  mn: string;
  name: string;
  cn: string;
  qn: string;
  cp: Record<string, string>;
  state: string;
  final: boolean;
  attempts: number;
  qnRtn?: string;
  exeRtn?: string;
  answer?: Record<string, string>;
  requestedBy: { tokenId: string; name: string };
  detail?: string;
}

t.test('reverse control', async (t) => {
  const gw = await startTestGateway({
    HJ212_COMMAND_OVERTIME_S: '0.3',
    HJ212_COMMAND_RECOUNT: '2',
    HJ212_COMMAND_EXEC_TIMEOUT_S: '3',
    HJ212_COMMAND_KEEP_PER_MN: '5',
    HJ212_INFLUX_FLUSH_MS: '10',
  });
  t.teardown(() => gw.close());
  const silent = createLogger('silent');
  const workerMetrics = createMetrics({ defaults: false });
  const worker = await startWorkerRole(gw.config, silent, workerMetrics, { settings: { replyPollMs: 50, scanEveryMs: 3_600_000 } });
  t.teardown(() => worker.close());
  const api = await startApiRole({ ...gw.config, http: { ...gw.config.http, host: '127.0.0.1', port: 0 } }, silent, createMetrics({ defaults: false }));
  t.teardown(() => api.close());
  const prefix = gw.config.redis.prefix;
  const tokens = createRedisTokens({ redis: gw.redis, prefix });
  // Enterprise tokens work only while their enterprise exists and is enabled (src/api/token-guard.ts).
  const stamp = new Date().toISOString();
  await createRedisCatalog({ redis: gw.redis, prefix }).putEnterprise({ id: 'e1', name: 'Plant e1', enabled: true, createdAt: stamp, updatedAt: stamp });
  // Read straight from Redis: what the registry holds the moment an outcome is seen.
  const registry = createRedisRegistry({ redis: gw.redis, prefix, cache: false });
  const ops = (await tokens.create({ name: 'ops desk', role: 'ops', main: false, createdBy: 'test' })).secret;
  const enterprise = (await tokens.create({ name: 'plant', role: 'enterprise', enterpriseId: 'e1', main: true, createdBy: 'test' })).secret;
  const base = `http://127.0.0.1:${api.port}`;
  const call = async (secret: string, method: string, path: string, payload?: object): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${secret}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
      body: payload ? JSON.stringify(payload) : undefined,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const send = async (secret: string, mn: string, body: object): Promise<Entry> => {
    const res = await call(secret, 'POST', `/collectors/${mn}/commands`, body);
    if (res.status !== 202) throw new Error(`POST ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json as unknown as Entry;
  };
  const outcome = async (id: string): Promise<Entry> => {
    let entry: Entry | undefined;
    await waitFor(async () => (entry = (await call(ops, 'GET', `/commands/${id}`)).json as unknown as Entry).final, `command ${id} final`, 20_000);
    return entry as Entry;
  };

  // Two simulated collectors uploading realtime data every second; the first belongs to enterprise e1.
  const fleet = createFleet(parseScenario({ port: gw.port, speed: 1, count: 100_000, collectors: 2, mnPrefix: 'CMD', progressS: 0, schedule: { realtimeS: 1, minuteMin: 0, hour: false, day: false } }));
  for (const id of fleet.identities) await gw.addDevice({ mn: id.mn, password: id.password, version: id.version });
  const [a, b] = fleet.identities.map((i) => i.mn) as [string, string];
  const deviceA = await gw.registry.get(a);
  await gw.registry.put({ ...deviceA!, enterpriseId: 'e1' });
  const running = fleet.run();
  t.teardown(async () => {
    await fleet.stop();
    await running;
  });
  await waitFor(async () => (await gw.redis.hget(`${prefix}status:${a}`, 'connected')) === '1' && (await gw.redis.hget(`${prefix}status:${b}`, 'connected')) === '1', 'both collectors online');

  t.test('set then get the realtime interval: 9011, 9012 and the data answer on the ledger', async (t) => {
    // 2 s, not more: a stopping simulated collector first finishes waiting for its next upload.
    const set = await send(ops, b, { name: 'set-rtd-interval', seconds: 2 });
    t.match(set, { mn: b, name: 'set-rtd-interval', cn: '1062', cp: { RtdInterval: '2' }, state: 'sent', final: false, attempts: 1, requestedBy: { name: 'ops desk' } });
    t.match(set.qn, /^\d{17}$/);
    t.match(await outcome(set.id), { state: 'succeeded', qnRtn: '1', exeRtn: '1' });
    const got = await outcome((await send(ops, b, { name: 'get-rtd-interval' })).id);
    t.match(got, { state: 'succeeded', cn: '1061', qnRtn: '1', exeRtn: '1', answer: { RtdInterval: '2' } }, 'the collector reports what was set');
    t.match(await workerMetrics.registry.metrics(), /hj212_commands_total\{name="get-rtd-interval",state="succeeded"\} 1/);
  });

  t.test('set-time moves the collector clock; get-time reads it back (SystemTime)', async (t) => {
    t.match(await outcome((await send(ops, b, { name: 'set-time', time: '2030-01-02T03:04:05+08:00' })).id), { state: 'succeeded', cp: { SystemTime: '20300102030405' } });
    const got = await outcome((await send(ops, b, { name: 'get-time' })).id);
    t.match(got.answer?.SystemTime, /^2030010203/, 'the clock runs on from the time set');
  });

  t.test('a command the collector does not support is refused (9011 QnRtn=2)', async (t) => {
    t.match(await outcome((await send(ops, b, { name: 'start-realtime' })).id), { state: 'refused', qnRtn: '2', final: true });
    t.match(await outcome((await send(ops, b, { name: 'set-timeout', overTime: 10, reCount: 2 })).id), { state: 'refused', cn: '1000', cp: { OverTime: '10', ReCount: '2' } });
  });

  t.test('enterprise: history requests for its own collectors only, nothing else', async (t) => {
    const now = Date.now();
    const begin = new Date(Math.floor(now / HOUR) * HOUR - 3 * HOUR).toISOString();
    const end = new Date(Math.floor(now / HOUR) * HOUR - 2 * HOUR).toISOString();
    const history = await send(enterprise, a, { name: 'history', kind: 'hour', beginTime: begin, endTime: end });
    t.equal(history.cn, '2061');
    t.match(await outcome(history.id), { state: 'succeeded', qnRtn: '1', exeRtn: '1', requestedBy: { name: 'plant' } });
    const hours = async (): Promise<number[]> => [...new Set((await gw.rows('hour', a)).map((r) => Number(r.time)))].sort();
    await waitFor(async () => (await hours()).length === 2, 'the two requested hours stored');
    t.same(await hours(), [Date.parse(begin), Date.parse(end)], 'the history uploads were stored like any upload');
    t.match(await call(enterprise, 'POST', `/collectors/${a}/commands`, { name: 'get-time' }), { status: 403, json: { code: 'APP_ERR_FORBIDDEN' } });
    t.match(await call(enterprise, 'POST', `/collectors/${b}/commands`, { name: 'history', kind: 'hour', beginTime: begin, endTime: end }), { status: 404 }, "another enterprise's collector is unknown to it");
    t.match(await call(enterprise, 'GET', `/commands/${history.id}`), { status: 200 });
    const mine = (await call(enterprise, 'GET', '/commands')).json as { commands: Entry[] };
    t.same([...new Set(mine.commands.map((c) => c.mn))], [a], 'its list holds its collectors only');
    t.match(await call(ops, 'POST', `/collectors/${a}/commands`, { name: 'history', kind: 'hour', beginTime: end, endTime: begin }), { status: 400, json: { code: 'APP_ERR_INVALID_RANGE' } });
  });

  t.test('set-password: the registry takes the new password when the 9012 confirms it; it is never stored or shown', async (t) => {
    const NEW = 'Zq7#wX9p';
    const before = await registry.get(a);
    const cmd = await send(ops, a, { name: 'set-password', password: NEW });
    t.same(cmd.cp, { NewPW: '***' });
    const done = await outcome(cmd.id);
    t.match(done, { state: 'succeeded', exeRtn: '1' });
    const after = await registry.get(a);
    t.ok(after && verifyPassword(after, NEW), 'the registry has the new password');
    t.notOk(after && verifyPassword(after, fleet.identities[0]!.password), 'the old one no longer opens it');
    t.equal(after?.pendingPassword, undefined);
    t.not(after?.passwordHash, before?.passwordHash);
    // The collector goes on uploading with its new password and is accepted.
    const stored = async (): Promise<number> => (await gw.rows('realtime', a)).length;
    const count = await stored();
    await waitFor(async () => (await stored()) > count + 2, 'uploads with the new password stored');
    // The new password is nowhere in Redis (the archive stream is the gateway's raw log, masked separately) or the API.
    const keys = (await gw.redis.keys(`${prefix}*`)).filter((k) => k !== `${prefix}frames`);
    for (const key of keys) {
      const type = await gw.redis.type(key);
      const dump =
        type === 'string'
          ? await gw.redis.get(key)
          : type === 'hash'
            ? JSON.stringify(await gw.redis.hgetall(key))
            : type === 'list'
              ? JSON.stringify(await gw.redis.lrange(key, 0, -1))
              : type === 'stream'
                ? JSON.stringify(await gw.redis.xrange(key, '-', '+'))
                : '';
      if (dump?.includes(NEW)) t.fail(`${key} holds the new password`);
    }
    const trail = await createRedisAudit({ redis: gw.redis, prefix }).list({ entity: { type: 'collector', id: a }, limit: 50 });
    // The request (API) and the password it installed (worker), both by whoever asked; either may be written first.
    t.match(trail.find((e) => e.action === 'command'), { actor: { name: 'ops desk' }, after: { id: cmd.id, cp: { NewPW: '***' } } });
    t.match(trail.find((e) => e.action === 'password'), { actor: { name: 'ops desk' }, after: { mn: a, command: cmd.id } });
    t.notOk(JSON.stringify(trail).includes(NEW), 'not in the audit trail');
    t.notOk(JSON.stringify((await call(ops, 'GET', `/commands?mn=${a}`)).json).includes(NEW), 'not in the API');
    t.notOk(JSON.stringify((await call(ops, 'GET', `/frames?mn=${a}&limit=50`)).json).includes(NEW), 'not in the frame log');
  });

  t.test('the hj212 command bin prints the outcome: 0 on success, 1 when offline', async (t) => {
    const bin = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        execFile(process.execPath, [BIN, 'command', ...args], { env: { ...process.env, HJ212_API_URL: base, HJ212_TOKEN: ops } }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }));
      });
    const ok = await bin([b, 'get-min-interval']);
    t.equal(ok.code, 0, ok.stderr);
    t.match(JSON.parse(ok.stdout), { state: 'succeeded', cn: '1063', answer: { MinInterval: /^\d+$/ } });
    t.match(ok.stderr, /succeeded \(QnRtn=1 ExeRtn=1\)/);
    await gw.addDevice({ mn: 'CMDOFFLINE00000000000000', password: 'Pw-offline1' });
    const offline = await bin(['CMDOFFLINE00000000000000', 'set-rtd-interval', '30']);
    t.equal(offline.code, 1);
    t.match(JSON.parse(offline.stdout), { state: 'offline', final: true });
    t.equal((await bin([b, 'set-rtd-interval', 'many'])).code, 2, 'usage error');
    const help = await bin(['--help']);
    t.equal(help.code, 0);
    t.match(help.stdout, /set-password .*stdin/);
    t.equal((await bin(['NOSUCHMN0000000000000000', 'get-time'])).code, 1, '404 from the API');
  });

  t.test('no 9011: resent after OverTime with the same QN, ReCount times, then timed out', async (t) => {
    const MN = 'CMDSILENT000000000000000';
    await gw.addDevice({ mn: MN, password: 'Pw-silent1' });
    const c = await connectCollector(gw.port);
    t.teardown(() => c.close());
    c.send(encodeFrame(uploadPacket({ st: '32', pw: 'Pw-silent1', mn: MN, ack: false }, '2011', { dataTime: '20240101000000', factors: [{ code: 'w01018', rtd: '1' }] })));
    await waitFor(async () => (await gw.redis.hget(`${prefix}status:${MN}`, 'connected')) === '1', 'bound');
    const cmd = await send(ops, MN, { name: 'get-time' });
    const done = await outcome(cmd.id);
    t.match(done, { state: 'timed-out', attempts: 3, final: true, detail: 'no 9011 after 3 send(s)' });
    const frames = c.received.filter((p) => p.cn === '1011');
    t.equal(frames.length, 3, '1 + ReCount=2 frames');
    t.same([...new Set(frames.map((p) => p.qn))], [cmd.qn], 'all with the command QN');

    // 9011 but never a 9012: timed out after the execution time-out, with the QnRtn kept.
    const second = await send(ops, MN, { name: 'set-min-interval', minutes: 5 });
    const req = await c.next((p) => p.cn === '1064' && p.qn === second.qn);
    c.send(encodeFrame(requestReply(req, 1)));
    t.match(await outcome(second.id), { state: 'timed-out', qnRtn: '1', detail: 'no 9012 within the execution time-out' });

    // The data answer but no 9012: final as answered, with the answer kept.
    const third = await send(ops, MN, { name: 'get-time' });
    const ask = await c.next((p) => p.cn === '1011' && p.qn === third.qn);
    t.equal(ask.st, '32', "the collector's system code, not the ST 91 of its last reply");
    c.send(encodeFrame(requestReply(ask, 1)));
    c.send(encodeFrame(uploadPacket({ st: '32', pw: 'Pw-silent1', mn: MN, qn: ask.qn, ack: false }, '1011', { params: { SystemTime: '20240101120000' } })));
    t.match(await outcome(third.id), { state: 'answered', final: true, qnRtn: '1', answer: { SystemTime: '20240101120000' }, detail: 'data answer received, no 9012' });
  });

  t.test('set-password with a scripted collector: both passwords open it while pending, then only the confirmed one', async (t) => {
    const MN = 'CMDPWSTEP000000000000000';
    await gw.addDevice({ mn: MN, password: 'Old-pw-1' });
    const c = await connectCollector(gw.port);
    t.teardown(() => c.close());
    let minute = 0;
    /** Upload one realtime frame with `pw`; resolves to the answer's CN (9014 stored) and QnRtn (9011 refused). */
    const upload = async (pw: string): Promise<string> => {
      const qn = `2024010100${String(minute).padStart(2, '0')}00000`;
      const dataTime = `2024010100${String(minute++).padStart(2, '0')}00`;
      c.send(encodeFrame(uploadPacket({ st: '32', pw, mn: MN, qn }, '2011', { dataTime, factors: [{ code: 'w01018', rtd: '1' }] })));
      const answer = await c.next((p) => p.qn === qn && (p.cn === '9014' || p.cn === '9011'));
      return answer.cn === '9014' ? 'stored' : `refused QnRtn=${answer.cp.QnRtn}`;
    };
    t.equal(await upload('Old-pw-1'), 'stored');
    const cmd = await send(ops, MN, { name: 'set-password', password: 'New-pw-2' });
    const req = await c.next((p) => p.cn === '1072' && p.qn === cmd.qn);
    t.equal(req.cp.NewPW, 'New-pw-2', 'the collector gets the new password in the CP');
    t.equal(req.pw, 'Old-pw-1', 'in a frame carrying the password the collector used');
    t.equal(await upload('New-pw-2'), 'stored', 'pending: the new password opens it');
    t.equal(await upload('Old-pw-1'), 'stored', 'pending: so does the old one');
    t.equal(await upload('Wrong-pw-3'), 'refused QnRtn=3', 'and nothing else');
    c.send(encodeFrame(requestReply(req, 1)));
    c.send(encodeFrame(execReply({ ...req, pw: 'New-pw-2' }, 1)));
    t.match(await outcome(cmd.id), { state: 'succeeded', exeRtn: '1' });
    await waitFor(async () => (await upload('Old-pw-1')) !== 'stored', 'the old password stops working');
    t.equal(await upload('New-pw-2'), 'stored', 'confirmed: the new password is the password');

    // A refused change is dropped at once: the would-be password never opens it.
    const refused = await send(ops, MN, { name: 'set-password', password: 'Next-pw-4' });
    t.match(await call(ops, 'POST', `/collectors/${MN}/commands`, { name: 'set-password', password: 'Other-pw-5' }), { status: 409, json: { code: 'APP_ERR_CONFLICT' } }, 'one change at a time');
    const second = await c.next((p) => p.cn === '1072' && p.qn === refused.qn);
    c.send(encodeFrame(requestReply(second, 2)));
    t.match(await outcome(refused.id), { state: 'refused', qnRtn: '2' });
    t.equal((await registry.get(MN))?.pendingPassword, undefined, 'pending change dropped when the refusal is seen');
    t.equal(await upload('Next-pw-4'), 'refused QnRtn=3');
    t.equal(await upload('New-pw-2'), 'stored');
  });

  t.test('offline, unsupported edition, and the per-collector cap on the ledger', async (t) => {
    const MN = 'CMDOLD00000000';
    await gw.addDevice({ mn: MN, password: 'Pw-old-1', version: '2005' });
    t.match(await call(ops, 'POST', `/collectors/${MN}/commands`, { name: 'get-min-interval' }), { status: 400, json: { code: 'APP_ERR_COMMAND_UNSUPPORTED' } });
    t.match(await call(ops, 'POST', `/collectors/${MN}/commands`, { name: 'set-timeout', overTime: 5, reCount: 3 }), { status: 400, json: { code: 'APP_ERR_COMMAND_UNSUPPORTED' } });
    t.match(await call(ops, 'POST', `/collectors/${MN}/commands`, { name: 'set-rtd-interval', seconds: 0 }), { status: 400, json: { code: 'APP_ERR_VALIDATION' } });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const e = await send(ops, MN, { name: 'get-rtd-interval' });
      t.match(e, { state: 'offline', final: true });
      ids.push(e.id);
    }
    const page = (await call(ops, 'GET', `/commands?mn=${MN}&limit=3`)).json as { commands: Entry[]; nextCursor: string };
    t.same(page.commands.map((c) => c.id), ids.slice(5).reverse(), 'newest first');
    const rest = (await call(ops, 'GET', `/commands?mn=${MN}&cursor=${page.nextCursor}`)).json as { commands: Entry[] };
    t.same(rest.commands.map((c) => c.id), ids.slice(3, 5).reverse(), 'HJ212_COMMAND_KEEP_PER_MN=5 entries kept');
    t.match(await call(ops, 'GET', `/commands/${ids[0]}`), { status: 404 }, 'the oldest were dropped');
    t.match(await call(ops, 'GET', `/commands?state=offline&mn=${MN}`), { json: { commands: [{ state: 'offline' }] } });
    t.match(await call(ops, 'GET', '/commands?cursor=nope'), { status: 400, json: { code: 'APP_ERR_INVALID_CURSOR' } });
  });
});
