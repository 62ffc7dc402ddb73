/**
 * Collectors as they really are (issue 12), replayed through the real gateway (TCP, Redis, InfluxDB) and read back
 * through the API: a Python client writing `len + 6` into the length field, a Go client with the MN
 * `JLYP01_AIR01_0001`, frames ending CR CR LF (Windows logs), suffixes in an order of the collector's own. Devices
 * are registered through the API, as an operator would.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { crc16, crcToHex, encodeFrame, uploadPacket, type Packet, type ReadingInput } from '../../protocol/index.js';
import { body, buildTestApi } from '../api/helper.js';
import { connectCollector } from '../helpers/collector.js';
import { startTestGateway } from '../helpers/gateway.js';

const api = await buildTestApi();
const gw = await startTestGateway({ HJ212_REDIS_PREFIX: api.prefix, HJ212_INFLUX_DATABASE: api.database });
t.teardown(async () => {
  await gw.close();
  await api.close();
});
const ops = api.token.ops;
const PW = 'q7w8e9';
let seq = 0;

async function register(payload: Record<string, unknown>, url = '/collectors'): Promise<Record<string, unknown>> {
  const res = await api.call(ops, { method: 'POST', url, payload: { password: PW, version: '2017', ...payload } });
  if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return body(res);
}

/** An hour upload (2061, Flag A set) of `mn` for `hour` o'clock on 2024-03-15. */
function upload(mn: string, hour: number, factors: ReadingInput[] = [{ code: 'w01018', avg: `${20 + hour}.50`, flag: 'N' }]): Packet {
  const qn = `20240315${String(hour).padStart(2, '0')}0000${String(100 + (seq++ % 900))}`;
  return uploadPacket({ qn, st: '32', pw: PW, mn }, '2061', { dataTime: `20240315${String(hour).padStart(2, '0')}0000`, factors });
}

/** The frame with its length field off by `offset` and the given trailer (CRC unchanged: it covers the data only). */
function quirky(p: Packet, offset: number, trailer = '\r\n'): Buffer {
  const frame = Buffer.from(encodeFrame(p)).toString('latin1');
  const data = frame.slice(6, -6);
  return Buffer.from(`##${String(data.length + offset).padStart(4, '0')}${data}${crcToHex(crc16(Buffer.from(data, 'latin1')))}${trailer}`, 'latin1');
}

async function readings(mn: string, kind = 'hour', day = '2024-03-15'): Promise<Array<Record<string, unknown>>> {
  const from = encodeURIComponent(`${day}T00:00:00+08:00`);
  const to = encodeURIComponent(`${day}T23:59:59+08:00`);
  const res = await api.call(api.token.reader, { url: `/readings?mn=${encodeURIComponent(mn)}&kind=${kind}&from=${from}&to=${to}&limit=1000` });
  if (res.statusCode !== 200) throw new Error(`readings: ${res.statusCode} ${res.body}`);
  return body<{ readings: Array<Record<string, unknown>> }>(res).readings;
}

t.test('length field = len + 6: accepted with lengthPolicy offset:6 or trust-crlf, rejected otherwise', async (t) => {
  const python = '33010600000001P00000006A';
  const trusting = '33010600000001P00000007A';
  const exact = '33010600000001P00000008A';
  const created = await register({ mn: python, profile: { lengthPolicy: 'offset:6' } });
  t.match(created, { profile: { lengthPolicy: 'offset:6' } }, 'the API shows the policy');
  await register({ mn: trusting, profile: { lengthPolicy: 'trust-crlf' } });
  await register({ mn: exact });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  // Two frames in one write: the framer must find the first one's end although its length field lies.
  const a = upload(python, 1);
  const b = upload(python, 2);
  c.send(Buffer.concat([quirky(a, 6), quirky(b, 6)]));
  await c.next((r) => r.cn === '9014' && r.qn === a.qn);
  await c.next((r) => r.cn === '9014' && r.qn === b.qn);
  t.strictSame((await readings(python)).map((r) => r.avg), [21.5, 22.5], 'both stored');
  const off = upload(python, 3);
  c.send(quirky(off, 5));
  t.equal((await c.next((r) => r.cn === '9011' && r.qn === off.qn)).cp.QnRtn, '100', 'another offset is rejected');
  const d = upload(trusting, 4);
  c.send(quirky(d, 17));
  await c.next((r) => r.cn === '9014' && r.qn === d.qn);
  t.equal((await readings(trusting)).length, 1, 'trust-crlf: any length field with a verifying CRC');
  const e = upload(exact, 5);
  c.send(quirky(e, 6));
  t.equal((await c.next((r) => r.cn === '9011' && r.qn === e.qn)).cp.QnRtn, '100', 'the default policy rejects it');
  const f = upload(exact, 6);
  c.send(encodeFrame(f));
  await c.next((r) => r.cn === '9014' && r.qn === f.qn);
  t.strictSame((await readings(exact)).map((r) => r.avg), [26.5], 'only the correct frame of the exact device is stored');
  const rejected = (await gw.metrics.frames.get()).values.filter((v) => v.labels.verdict === 'HJ_ERR_LENGTH').reduce((s, v) => s + v.value, 0);
  t.equal(rejected, 2, 'counted as HJ_ERR_LENGTH');
  const patched = await api.call(ops, { method: 'PATCH', url: `/collectors/${exact}`, payload: { profile: { lengthPolicy: 'offset:6' } } });
  t.equal(patched.statusCode, 200);
  t.match(body(patched), { profile: { lengthPolicy: 'offset:6', encoding: 'utf-8' } }, 'PATCH changes the policy, keeps the rest');
  const bad = await api.call(ops, { method: 'PATCH', url: `/collectors/${exact}`, payload: { profile: { lengthPolicy: 'offset:0' } } });
  t.equal(bad.statusCode, 400, 'offset:0 is refused');
  t.match(bad.body, /lengthPolicy/);
});

t.test('MN JLYP01_AIR01_0001 (a Go client): registered with the extended alphabet, safe in tags, keys and URLs', async (t) => {
  const go = 'JLYP01_AIR01_0001';
  const refused = await api.call(ops, { method: 'POST', url: '/collectors', payload: { mn: go, password: PW, allowMnLength: true } });
  t.equal(refused.statusCode, 400, 'letters and digits by default');
  t.match(body(refused), { code: 'APP_ERR_INVALID_MN' });
  for (const mn of ['JLYP01 AIR01', 'JLYP01"AIR01', 'JLYP01\r\nAIR', 'JLYP01/AIR01', '仪器0001']) {
    const res = await api.call(ops, { method: 'POST', url: '/collectors', payload: { mn, password: PW, allowMnLength: true, mnCharset: 'extended' } });
    t.equal(res.statusCode, 400, `${JSON.stringify(mn)} refused even with the extended alphabet`);
  }
  t.match(await register({ mn: go, allowMnLength: true, mnCharset: 'extended' }), { mn: go, mnCharset: 'extended' });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  const p = upload(go, 7);
  c.send(encodeFrame(p));
  await c.next((r) => r.cn === '9014' && r.qn === p.qn);
  const rows = await gw.rows('hour', go);
  t.equal(rows[0]?.mn, go, 'InfluxDB tag');
  t.match(await readings(go), [{ mn: go, factor: 'w01018', avg: 27.5 }], 'GET /readings?mn=');
  const latest = await api.call(api.token.reader, { url: `/collectors/${go}/latest` });
  t.equal(latest.statusCode, 200);
  t.match(body(latest), { mn: go, readings: [{ factor: 'w01018', avg: 27.5 }] }, `GET /collectors/${go}/latest`);
  t.match(body(await api.call(ops, { url: `/collectors/${go}` })), { mn: go }, 'registry key');
  // Unknown, same alphabet: answered 9011 QnRtn 4 and listed as pending, then registered from there.
  const stranger = 'JLYP01_AIR01_0002';
  const s = upload(stranger, 8);
  c.send(encodeFrame(s));
  t.equal((await c.next((r) => r.cn === '9011' && r.qn === s.qn)).cp.QnRtn, '4');
  const pending = body<{ items: Array<{ mn: string }> }>(await api.call(ops, { url: '/pending-devices' })).items;
  t.ok(pending.some((e) => e.mn === stranger), 'pending device');
  const plain = await api.call(ops, { method: 'POST', url: `/pending-devices/${stranger}/register`, payload: { password: PW, allowMnLength: true } });
  t.equal(plain.statusCode, 400, 'registering it needs the extended alphabet');
  t.match(await register({ allowMnLength: true, mnCharset: 'extended' }, `/pending-devices/${stranger}/register`), { mn: stranger });
});

t.test('an MN with _ of a device registered for letters and digits only is rejected', async (t) => {
  // The record says alnum (as written by an older version) although the MN has an underscore.
  const mn = 'OLD_RECORD_0001';
  await register({ mn, allowMnLength: true, mnCharset: 'extended' });
  const device = await gw.registry.get(mn);
  await gw.registry.put({ ...device!, mnCharset: 'alnum' });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  const p = upload(mn, 9);
  c.send(encodeFrame(p));
  t.equal((await c.next((r) => r.cn === '9011' && r.qn === p.qn, 10_000)).cp.QnRtn, '4');
});

t.test('frames ending CR CR LF (a capture logged on Windows) are acked', async (t) => {
  const mn = '33010600000001W00000009A';
  await register({ mn });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  const frames = [10, 11, 12].map((h) => upload(mn, h));
  c.send(Buffer.concat(frames.map((p) => quirky(p, 0, '\r\r\n'))));
  for (const p of frames) await c.next((r) => r.cn === '9014' && r.qn === p.qn);
  t.strictSame((await readings(mn)).map((r) => r.avg), [30.5, 31.5, 32.5]);
});

t.test('the Windows-logged capture (fixtures/captures) replayed: 53 of 53 frames acked and stored', async (t) => {
  await register({ mn: '33010600000001W00000011A', password: '123456' });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  c.send(readFileSync(new URL('../../../fixtures/captures/windows-crcrlf.bin', import.meta.url)));
  const acked = new Set<string>();
  while (acked.size < 53) acked.add((await c.next((r) => r.cn === '9014')).qn ?? '');
  t.equal(acked.size, 53);
  const stored = await readings('33010600000001W00000011A', 'minute', '2024-03-14');
  t.equal(stored.length, 53 * 2, 'two factors per frame');
  const warned = (await gw.metrics.frameWarnings.get()).values.find((v) => v.labels.code === 'HJ_WARN_TRAILER_CRCRLF');
  t.equal(warned?.value, 53 + 3, 'counted in hj212_frame_warnings_total{code}, with the 3 frames before');
});

t.test('raw keeps the suffixes in wire order', async (t) => {
  const mn = '33010600000001W00000010A';
  await register({ mn });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  const p = upload(mn, 13);
  // Cou first, then Min, Avg, Max, Flag: the order this collector writes, not the standard's table order.
  p.cp = { DataTime: p.cp.DataTime!, 'w01018-Cou': '1.230', 'w01018-Min': '20.1', 'w01018-Avg': '28.40', 'w01018-Max': '40.2', 'w01018-Flag': 'N', 'w01018-Vendor': 'x' };
  c.send(encodeFrame(p));
  await c.next((r) => r.cn === '9014' && r.qn === p.qn);
  const [reading] = await readings(mn);
  t.equal(reading?.raw, 'Cou=1.230,Min=20.1,Avg=28.40,Max=40.2,Flag=N,Vendor=x', 'verbatim, in the order sent');
  t.equal(reading?.cou, 1.23);
});
