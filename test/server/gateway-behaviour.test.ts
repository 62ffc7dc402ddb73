/**
 * Gateway behaviour with in-memory ports over real TCP: dead-letters, backpressure, graceful shutdown, commands,
 * notifications, replies, heartbeats, sub-packet sets left incomplete, raw archive of every frame.
 */
import t from 'tap';
import { encodeFrame, encodeFrames, uploadPacket, type Packet } from '../../protocol/index.js';
import { connectCollector } from '../helpers/collector.js';
import { startMemoryGateway } from '../helpers/memory-gateway.js';
import { waitFor } from '../helpers/wait.js';

const MN = '33010600000001W00000003C';
const PW = '654321';
let n = 0;
const qn = (): string => `20240401080000${String(100 + n++)}`;
const up = (cn = '2061', dataTime = '20240401000000', value = '1.5'): Packet =>
  uploadPacket({ st: '32', pw: PW, mn: MN, qn: qn() }, cn, { dataTime, factors: [{ code: 'w01018', avg: value, flag: 'N' }] });

t.test('permanent refusal: dead-letter with the raw frame, answered 9011 QnRtn 2 (not acked, not retransmitted forever)', async (t) => {
  const gw = await startMemoryGateway();
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: PW });
  gw.sink.refuseWhen(() => true);
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  const p = up();
  c.send(encodeFrame(p));
  await waitFor(() => gw.deadLetters.length === 1, 'dead letter recorded');
  t.equal(Buffer.from(gw.deadLetters[0]?.raw ?? '', 'base64').toString(), Buffer.from(encodeFrame(p)).toString().replace(`PW=${PW}`, 'PW=***'), 'raw frame kept, password masked');
  t.match(await c.next((r) => r.qn === p.qn), { cn: '9011', cp: { QnRtn: '2' } }, 'refused, not acked');
  gw.sink.refuseWhen(undefined);
  const again = { ...p, qn: qn() };
  c.send(encodeFrame(again));
  t.equal((await c.next((r) => r.qn === again.qn)).cn, '9014', 'accepted once the store takes it');
});

t.test('saturated sink pauses sockets; acks follow when it drains', async (t) => {
  const gw = await startMemoryGateway({}, 2);
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: PW });
  gw.sink.pause();
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  const frames = [1, 2, 3, 4].map((h) => up('2061', `2024040${h}000000`));
  for (const f of frames) c.send(encodeFrame(f));
  await waitFor(() => gw.sink.saturated, 'sink saturated');
  t.equal(c.received.length, 0, 'nothing acked while not durable');
  gw.sink.resume();
  for (const f of frames) await c.next((r) => r.qn === f.qn);
  t.equal(gw.sink.points.length, 4, 'all stored');
});

t.test('graceful shutdown finishes storing and acks before closing', async (t) => {
  const gw = await startMemoryGateway();
  await gw.addDevice({ mn: MN, password: PW });
  gw.sink.pause();
  const c = await connectCollector(gw.port);
  const p = up();
  c.send(encodeFrame(p));
  await waitFor(() => gw.sink.pending === 1, 'write in flight');
  const closing = gw.close();
  gw.sink.resume();
  const ack = await c.next((r) => r.qn === p.qn);
  await closing;
  await c.closed;
  t.equal(ack.cn, '9014', 'in-flight frame acked during shutdown');
});

t.test('commands, notifications, replies and heartbeats', async (t) => {
  const gw = await startMemoryGateway();
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: PW, version: '2025' });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  const hb = uploadPacket({ st: '32', pw: PW, mn: MN, qn: qn(), version: '2025' }, '9015', {});
  c.send(encodeFrame(hb));
  await c.next((r) => r.qn === hb.qn && r.cn === '9014');
  t.equal(gw.sink.points.at(-1)?.measurement, 'heartbeat', 'heartbeat leaves a point');

  t.equal(gw.gateway.deliver({ id: 'x', mn: MN, cn: '2061', qn: '20240401090000001', cp: { BeginTime: '20240401000000', EndTime: '20240401050000' } }), true);
  const req = await c.next((r) => r.cn === '2061');
  t.equal(req.pw, PW, 'request carries the password the collector uses');
  t.equal(req.flag, 9, '2025 request asks for an answer');
  t.equal(gw.gateway.deliver({ id: 'y', mn: 'NOTCONNECTED000000000000', cn: '1011', qn: '1', cp: {} }), false);

  const answer = { qn: req.qn, st: '32', cn: '9011', pw: PW, mn: MN, flag: 8, cp: { QnRtn: '1' } };
  c.send(encodeFrame(answer));
  await waitFor(() => gw.replies.length === 1, 'reply routed');
  t.equal(gw.replies[0]?.qn, req.qn);

  const notify = { qn: qn(), st: '32', cn: '1013', pw: PW, mn: MN, flag: 9, cp: {} };
  c.send(encodeFrame(notify));
  t.equal((await c.next((r) => r.qn === notify.qn)).cn, '9013', 'notification answered with 9013');
});

t.test('an incomplete sub-packet set is recorded with what is missing', async (t) => {
  const gw = await startMemoryGateway({ subpacketTimeoutMs: 50 });
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: PW });
  const factors = Array.from({ length: 10 }, (_, i) => ({ code: `w0${2000 + i}`, avg: '1', flag: 'N' }));
  const parts = encodeFrames(uploadPacket({ st: '32', pw: PW, mn: MN, qn: qn() }, '2061', { dataTime: '20240401000000', factors }), { maxDataLength: 250 });
  t.ok(parts.length >= 3);
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  c.send(parts[0] as Uint8Array);
  await c.next((r) => r.cn === '9014');
  await waitFor(async () => (await gw.archive.recent(50)).some((f) => f.verdict === 'subpacket-incomplete'), 'incomplete set archived');
  const rec = (await gw.archive.recent(50)).find((f) => f.verdict === 'subpacket-incomplete');
  t.match(rec?.code, /missing 2-3 of/, 'missing part numbers listed as ranges');
});

t.test('every frame is archived raw with its verdict', async (t) => {
  const gw = await startMemoryGateway();
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: PW });
  const c = await connectCollector(gw.port);
  t.teardown(() => c.close());
  const good = up();
  c.send(encodeFrame(good));
  await c.next((r) => r.qn === good.qn);
  c.send('##0010QN=1;ST=3\r\n');
  c.send(encodeFrame({ ...up(), pw: 'wrong1' }));
  await c.next((r) => r.cn === '9011');
  await waitFor(async () => (await gw.archive.recent(10)).length >= 3, 'three frames archived');
  const verdicts = (await gw.archive.recent(10)).map((f) => f.verdict).sort();
  t.match(verdicts, [/^HJ_ERR_(LENGTH|TRAILER)$/, 'bad-password', 'stored'], 'broken frame, rejected frame and stored frame');
  t.equal(gw.events.length, 1, 'one ingest event handed to the checks pipeline');
});
