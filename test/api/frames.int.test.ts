/**
 * The frame log (报文查询) through the API: frames sent over TCP to the real gateway come back newest first with
 * verdict, reason, CN, source address and masked text; filters, pages, the scan budget, how far back the log
 * reaches, and enterprise scope.
 */
import t from 'tap';
import { encodeFrame, uploadPacket } from '../../protocol/index.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { startApiRole } from '../../src/roles/api-role.js';
import { createRedisCatalog } from '../../src/storage/redis/catalog.js';
import { createRedisTokens } from '../../src/storage/redis/tokens.js';
import { connectCollector } from '../helpers/collector.js';
import { startTestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const MN1 = 'FRAMELOG0000000000000001';
const MN2 = 'FRAMELOG0000000000000002';
const UNKNOWN = 'FRAMELOG00000000000000FF';

interface Frame {
  id: string;
  receivedAt: string;
  mn?: string;
  cn?: string;
  verdict: string;
  reason?: string;
  sourceAddress: string;
  raw: string;
}
interface Page {
  frames: Frame[];
  nextCursor?: string;
  oldest?: string;
  scanned: number;
}

t.test('frame log', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.close());
  const silent = createLogger('silent');
  const config = { ...gw.config, http: { ...gw.config.http, host: '127.0.0.1', port: 0 } };
  const api = await startApiRole(config, silent, createMetrics({ defaults: false }));
  t.teardown(() => api.close());
  // A second API process that examines at most 3 log entries per request (HJ212_FRAME_LOG_SCAN_MAX).
  const narrow = await startApiRole({ ...config, frameLogScanMax: 3 }, silent, createMetrics({ defaults: false }));
  t.teardown(() => narrow.close());
  const prefix = gw.config.redis.prefix;
  const tokens = createRedisTokens({ redis: gw.redis, prefix });
  // Enterprise tokens work only while their enterprise exists and is enabled (src/api/token-guard.ts).
  const stamp = new Date().toISOString();
  await createRedisCatalog({ redis: gw.redis, prefix }).putEnterprise({ id: 'e1', name: 'Plant e1', enabled: true, createdAt: stamp, updatedAt: stamp });
  const ops = (await tokens.create({ name: 'ops', role: 'ops', main: false, createdBy: 'test' })).secret;
  const e1 = (await tokens.create({ name: 'plant', role: 'enterprise', enterpriseId: 'e1', main: true, createdBy: 'test' })).secret;
  const regulator = (await tokens.create({ name: 'reg', role: 'regulator', main: false, createdBy: 'test' })).secret;
  const get = async (secret: string, path: string, port = api.port): Promise<{ status: number; json: Page & { code?: string } }> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${secret}` } });
    return { status: res.status, json: (await res.json()) as Page & { code?: string } };
  };

  await gw.addDevice({ mn: MN1, password: 'Secret-one1' });
  await gw.registry.put({ ...(await gw.registry.get(MN1))!, enterpriseId: 'e1' });
  await gw.addDevice({ mn: MN2, password: 'Secret-two2' });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  let n = 0;
  const frame = (mn: string, pw: string): { qn: string; bytes: Uint8Array } => {
    const qn = `20240101000${n}00000`;
    const bytes = encodeFrame(uploadPacket({ st: '32', pw, mn, qn }, '2011', { dataTime: `20240101000${n++}00`, factors: [{ code: 'w01018', rtd: '1.5' }] }));
    return { qn, bytes };
  };
  // Sent one at a time (each answered), oldest first: stored, bad password, unknown MN, garbage, stored of MN2.
  for (const [mn, pw, answer] of [
    [MN1, 'Secret-one1', '9014'],
    [MN1, 'Wrong-pass9', '9011'],
    [UNKNOWN, 'Whatever-8', '9011'],
  ] as const) {
    const f = frame(mn, pw);
    c.send(f.bytes);
    await c.next((p) => p.qn === f.qn && p.cn === answer);
  }
  // On a connection of its own: a connection that has an admitted MN files its garbage under that MN.
  const stranger = await connectCollector(gw.port);
  t.teardown(() => stranger.close());
  stranger.send('##0020QN=1;PW=Leaked-pw7;XXXX\r\n');
  await waitFor(async () => (await get(ops, '/frames')).json.frames?.length === 4, 'the garbage frame in the log');
  const last = frame(MN2, 'Secret-two2');
  c.send(last.bytes);
  await c.next((p) => p.qn === last.qn && p.cn === '9014');
  await waitFor(async () => (await get(ops, '/frames')).json.frames?.length === 5, 'five frames in the log');

  t.test('newest first, with verdict, reason, CN, source address and the text with passwords masked', async (t) => {
    const { json } = await get(ops, '/frames');
    t.same(json.frames.map((f) => [f.mn, f.verdict]), [
      [MN2, 'stored'],
      [undefined, json.frames[1]?.verdict],
      [UNKNOWN, 'unknown-mn'],
      [MN1, 'bad-password'],
      [MN1, 'stored'],
    ]);
    t.not(json.frames[1]?.verdict, 'stored', 'the garbage frame is a rejection');
    t.type(json.frames[1]?.reason, 'string', 'with its reason');
    t.ok(json.frames.every((f) => f.sourceAddress === '127.0.0.1' && /^\d{4}-\d\d-\d\dT.*[+-]\d\d:\d\d$/.test(f.receivedAt)));
    t.match(json.frames[0], { cn: '2011', raw: /^##\d{4}QN=.*;PW=\*\*\*;MN=FRAMELOG0000000000000002;.*w01018-Rtd=1\.5/ });
    const all = JSON.stringify(json);
    for (const secret of ['Secret-one1', 'Secret-two2', 'Wrong-pass9', 'Whatever-8', 'Leaked-pw7']) t.notOk(all.includes(secret), `${secret} masked`);
    t.ok(json.oldest !== undefined && Date.parse(json.oldest) <= Date.parse(json.frames[4]!.receivedAt), 'oldest: how far back the log reaches');
    t.equal(json.nextCursor, undefined, 'nothing older');
  });

  t.test('filters: MN, verdict (or every rejection), CN, source address, time', async (t) => {
    t.same((await get(ops, `/frames?mn=${MN1}`)).json.frames.map((f) => f.verdict), ['bad-password', 'stored']);
    t.same((await get(ops, `/frames?mn=${MN1}&verdict=stored`)).json.frames.length, 1);
    const rejected = (await get(ops, '/frames?verdict=rejected')).json.frames;
    t.same(rejected.map((f) => f.mn), [undefined, UNKNOWN, MN1], 'garbage, unknown MN, bad password');
    t.same((await get(ops, '/frames?cn=2011')).json.frames.length, 4);
    const byAddress = (await get(ops, '/frames?address=127.0.0.1')).json.frames;
    t.ok(byAddress.some((f) => f.mn === undefined), 'frames no MN could be read from are found by address');
    t.same((await get(ops, '/frames?address=10.9.9.9')).json.frames, []);
    const newest = (await get(ops, '/frames')).json.frames[0]!;
    const after = new Date(Date.parse(newest.receivedAt) + 1).toISOString();
    t.same((await get(ops, `/frames?from=${encodeURIComponent(after)}`)).json.frames, []);
    t.equal((await get(ops, `/frames?to=${encodeURIComponent(after)}`)).json.frames.length, 5);
    t.match(await get(ops, `/frames?from=${encodeURIComponent(after)}&to=${encodeURIComponent(after)}`), { status: 400, json: { code: 'APP_ERR_INVALID_RANGE' } });
    // Times before the epoch are valid ISO 8601 (found by the API fuzz test: 1970-01-01T00:00:00+08:00 was a 500).
    t.equal((await get(ops, `/frames?from=${encodeURIComponent('1970-01-01T00:00:00+08:00')}`)).json.frames.length, 5, 'from before 1970: everything');
    t.same((await get(ops, `/frames?to=${encodeURIComponent('1970-01-01T00:00:00+08:00')}`)).json.frames, [], 'to before 1970: nothing');
  });

  t.test('pages follow the cursor; the scan budget cuts a page short and says where to go on', async (t) => {
    const first = (await get(ops, '/frames?limit=2')).json;
    t.equal(first.frames.length, 2);
    const second = (await get(ops, `/frames?limit=2&cursor=${first.nextCursor}`)).json;
    const third = (await get(ops, `/frames?limit=2&cursor=${second.nextCursor}`)).json;
    t.same([...first.frames, ...second.frames, ...third.frames].map((f) => f.id), (await get(ops, '/frames')).json.frames.map((f) => f.id));
    t.match(await get(ops, '/frames?cursor=nope'), { status: 400, json: { code: 'APP_ERR_VALIDATION' } });

    // MN1's two frames are the oldest; with 3 entries examined per request the first answer has none of them.
    const cut = (await get(ops, `/frames?mn=${MN1}`, narrow.port)).json;
    t.match(cut, { frames: [], scanned: 3 });
    t.type(cut.nextCursor, 'string');
    const rest = (await get(ops, `/frames?mn=${MN1}&cursor=${cut.nextCursor}`, narrow.port)).json;
    t.same(rest.frames.map((f) => f.verdict), ['bad-password', 'stored']);
    t.equal(rest.scanned, 2);
  });

  t.test('enterprise tokens see their collectors only; regulators none', async (t) => {
    t.same([...new Set((await get(e1, '/frames')).json.frames.map((f) => f.mn))], [MN1]);
    t.match(await get(e1, `/frames?mn=${MN2}`), { status: 404 });
    t.same((await get(e1, '/frames?address=127.0.0.1')).json.frames.length, 2, 'frames without an MN stay hidden');
    t.match(await get(regulator, '/frames'), { status: 403 });
  });

  t.test('passwords are masked on read too, whatever the archive holds', async (t) => {
    const raw = Buffer.from('##0099QN=20240101000000000;ST=32;CN=1072;PW=Clear-old1;MN=X;Flag=5;CP=&&NewPW=Clear-new2;NewSK=Key-3&&\r\n').toString('base64');
    await gw.redis.xadd(`${prefix}frames`, '*', 'receivedAt', String(Date.now()), 'sourceIp', '10.0.0.7', 'verdict', 'unknown-cn', 'raw', raw);
    const [f] = (await get(ops, '/frames?address=10.0.0.7')).json.frames;
    t.equal(f?.raw, '##0099QN=20240101000000000;ST=32;CN=1072;PW=***;MN=X;Flag=5;CP=&&NewPW=***;NewSK=***&&\r\n');
  });
});
