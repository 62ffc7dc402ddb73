/** Encoder and packet builders: every builder round-trips; sub-packet split; GBK; limits. */
import t from 'tap';
import {
  commandRequest,
  cpFromData,
  dataAck,
  encodeCp,
  encodeDataSegment,
  encodeFrame,
  encodeFrames,
  execReply,
  getMinIntervalRequest,
  getRtdIntervalRequest,
  getTimeRequest,
  heartbeat,
  historyRequest,
  notifyReply,
  parseFrame,
  readCp,
  requestReply,
  setMinIntervalRequest,
  setPasswordRequest,
  setRtdIntervalRequest,
  setTimeRequest,
  setTimeoutRequest,
  uploadPacket,
  type Packet,
  type Target,
} from '../../protocol/index.js';

const MN = '010000A8900016F000169DC0';
const target: Target = { st: '32', pw: '123456', mn: MN, qn: '20240315120000000' };

type Assert = Pick<typeof t, 'ok' | 'strictSame'>;

function roundTrip(t: Assert, packet: Packet, name: string): void {
  const r = parseFrame(encodeFrame(packet));
  t.ok(r.ok, `${name} parses`);
  if (r.ok) t.strictSame(r.packet, packet, `${name}: decode(encode(x)) == x`);
}

t.test('the published sample of HJ212-2017 Appendix C', async (t) => {
  const packet = setRtdIntervalRequest({ ...target, qn: '20160801085857223', pw: '100000' }, 30);
  t.equal(
    Buffer.from(encodeFrame(packet)).toString(),
    '##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n',
  );
  t.equal(Buffer.from(encodeFrame(packet, { crc: 'modbus' })).subarray(-6, -2).toString(), '0759');
  t.equal(Buffer.from(encodeFrame(packet, { crc: 'modbus-swapped' })).subarray(-6, -2).toString(), '5907');
});

t.test('every request builder round-trips', async (t) => {
  const built: [string, Packet, Record<string, string>][] = [
    ['1011', getTimeRequest(target), {}],
    ['1011', getTimeRequest(target, 'w01018'), { PolId: 'w01018' }],
    ['1012', setTimeRequest(target, '20240315120501'), { SystemTime: '20240315120501' }],
    ['1012', setTimeRequest(target, '20240315120501', 'w01018'), { PolId: 'w01018', SystemTime: '20240315120501' }],
    ['1061', getRtdIntervalRequest(target), {}],
    ['1062', setRtdIntervalRequest(target, 30), { RtdInterval: '30' }],
    ['1063', getMinIntervalRequest(target), {}],
    ['1064', setMinIntervalRequest(target, 10), { MinInterval: '10' }],
    ['1072', setPasswordRequest(target, '654321'), { NewPW: '654321' }],
    ['1000', setTimeoutRequest({ ...target, version: '2025' }, 5, 3), { OverTime: '5', ReCount: '3' }],
    ['2061', historyRequest(target, '2061', '20240315000000', '20240315110000'), { BeginTime: '20240315000000', EndTime: '20240315110000' }],
    ['2051', historyRequest(target, '2051', '20240315000000', '20240315010000'), { BeginTime: '20240315000000', EndTime: '20240315010000' }],
    ['2031', historyRequest(target, '2031', '20240301000000', '20240315000000'), { BeginTime: '20240301000000', EndTime: '20240315000000' }],
    ['2041', historyRequest(target, '2041', '20240301000000', '20240315000000'), { BeginTime: '20240301000000', EndTime: '20240315000000' }],
    ['2011', commandRequest(target, '2011'), {}],
    ['3011', commandRequest(target, '3011', { PolId: 'w01018' }), { PolId: 'w01018' }],
    ['9015', heartbeat({ ...target, version: '2025' }), {}],
  ];
  for (const [cn, packet, cp] of built) {
    t.equal(packet.cn, cn);
    t.strictSame(packet.cp, cp, `${cn} CP`);
    roundTrip(t, packet, cn);
  }
  t.equal(
    encodeDataSegment(historyRequest(target, '2061', '20240315000000', '20240315110000')).split('CP=')[1],
    '&&BeginTime=20240315000000,EndTime=20240315110000&&',
    'BeginTime,EndTime as in the standard sample',
  );
  t.equal(getTimeRequest(target).flag, 5, '2017 with A: 5');
  t.equal(heartbeat({ ...target, version: '2025' }).flag, 9, '2025 with A: 9');
  t.equal(getTimeRequest({ ...target, version: '2005', ack: false }).flag, 0);
  const clock = getTimeRequest({ st: '32', pw: '1', mn: MN, now: Date.UTC(2024, 2, 15, 2, 30, 0, 5) });
  t.equal(clock.qn, '20240315103000005', 'default QN from the clock, China time');
});

t.test('replies echo QN/PW/MN with ST=91 and the version bits', async (t) => {
  const up = (flag?: number): Packet => ({ qn: '20240315103000123', st: '32', cn: '2011', pw: '123456', mn: MN, ...(flag === undefined ? {} : { flag }), cp: {} });
  t.strictSame(dataAck(up(5)), { qn: '20240315103000123', st: '91', cn: '9014', pw: '123456', mn: MN, flag: 4, cp: {} });
  t.equal(dataAck(up(9)).flag, 8, '2025 → 8');
  t.equal(dataAck(up(7)).flag, 4, 'sub-packet bit cleared');
  t.equal(dataAck(up(1)).flag, 0, '2005 → 0');
  t.notOk('flag' in dataAck(up()), 'no Flag when the request had none');
  t.strictSame(requestReply(up(5), 1).cp, { QnRtn: '1' });
  t.strictSame(requestReply(up(5), '9').cp, { QnRtn: '9' });
  t.strictSame(execReply(up(5), 100).cp, { ExeRtn: '100' });
  t.equal(notifyReply(up(5)).cn, '9013');
  const bare: Packet = { cn: '2011', cp: {} };
  t.strictSame(dataAck(bare), { st: '91', cn: '9014', cp: {} }, 'absent fields stay absent');
  for (const reply of [dataAck(up(5)), requestReply(up(5), 1), execReply(up(5), 1), notifyReply(up(9)), dataAck(up())]) {
    roundTrip(t, reply, reply.cn);
  }
  t.equal(
    Buffer.from(encodeFrame(dataAck(up(5)))).toString(),
    `##0087QN=20240315103000123;ST=91;CN=9014;PW=123456;MN=${MN};Flag=4;CP=&&&&${'9A00'}\r\n`.replace('9A00', crcOf(dataAck(up(5)))),
  );
});

function crcOf(p: Packet): string {
  return Buffer.from(encodeFrame(p)).subarray(-6, -2).toString();
}

t.test('uploads: readings → CP → readCp', async (t) => {
  const data = {
    dataTime: '20240315103000',
    params: { PolId: 'w01018' },
    factors: [
      { code: 'a21026', cou: '1.23', min: '30.1', avg: '35.2', max: '40.3', zsAvg: '40.1', flag: 'N', extra: { Foo: 'x' } },
      { code: 'SB1', rs: '1', rt: '23.5' },
    ],
  };
  const packet = uploadPacket(target, '2051', data);
  t.strictSame(Object.keys(packet.cp), [
    'DataTime',
    'PolId',
    'a21026-Cou',
    'a21026-Min',
    'a21026-Avg',
    'a21026-Max',
    'a21026-ZsAvg',
    'a21026-Flag',
    'a21026-Foo',
    'SB1-RS',
    'SB1-RT',
  ]);
  t.equal(encodeCp(packet.cp), 'DataTime=20240315103000;PolId=w01018;a21026-Cou=1.23,a21026-Min=30.1,a21026-Avg=35.2,a21026-Max=40.3,a21026-ZsAvg=40.1,a21026-Flag=N,a21026-Foo=x;SB1-RS=1,SB1-RT=23.5');
  roundTrip(t, packet, '2051 upload');
  const back = readCp(packet.cp);
  t.strictSame(
    back.factors,
    data.factors.map((f) => ({ ...f, valid: true })),
  );
  t.strictSame(cpFromData({}), {});
  t.strictSame(Object.keys(cpFromData({ params: { ['__proto__']: 'x' } })), ['__proto__']);
});

t.test('sub-packet split (HJ212-2017 6.4)', async (t) => {
  const factors = Array.from({ length: 40 }, (_, i) => ({ code: `w${20000 + i}`, rtd: `${i}.123`, flag: 'N' }));
  const packet = uploadPacket(target, '2011', { dataTime: '20240315103800', factors });
  const frames = encodeFrames(packet, { maxDataLength: 400 });
  t.ok(frames.length > 1, `${frames.length} parts`);
  const merged: Record<string, string> = {};
  frames.forEach((f, i) => {
    t.ok(f.length - 12 <= 400, `part ${i + 1} within the limit`);
    const r = parseFrame(f, { maxDataLength: 400 });
    if (!r.ok) return t.fail(r.message);
    t.match(r.packet, { qn: packet.qn, cn: '2011', flag: 7, pnum: frames.length, pno: i + 1 });
    t.equal(r.packet.cp.DataTime, '20240315103800', 'DataTime in every part');
    Object.assign(merged, r.packet.cp);
    const codes = new Set(Object.keys(r.packet.cp).map((k) => k.split('-')[0]));
    for (const code of codes) t.ok(r.packet.cp[`${code}-Flag`] !== undefined || code === 'DataTime', 'groups not cut');
  });
  t.strictSame(merged, packet.cp, 'parts reassemble the CP');
  t.equal(encodeFrames(packet, { maxDataLength: 4000 }).length, 1, 'no split when it fits');
  const many = uploadPacket(target, '2011', { dataTime: '20240315103800', factors: Array.from({ length: 300 }, (_, i) => ({ code: `w${20000 + i}`, rtd: '1' })) });
  const parts = encodeFrames(many, { maxDataLength: 200 });
  t.ok(parts.length >= 10, 'two-digit PNUM');
  t.ok(parts.every((f) => f.length - 12 <= 200));
  t.match(parseFrame(parts.at(-1)!, { maxDataLength: 200 }), { ok: true, packet: { pnum: parts.length, pno: parts.length } });
  const noFlag = encodeFrames({ cn: '2011', mn: MN, cp: many.cp }, { maxDataLength: 200 });
  t.match(parseFrame(noFlag[0]!, { maxDataLength: 200 }), { ok: true, version: '2005', packet: { flag: 2 } });
  t.throws(() => encodeFrames(packet, { maxDataLength: 50 }), RangeError, 'a group longer than the limit');
  t.throws(() => encodeFrames({ ...packet, cp: { DataTime: packet.cp.DataTime! } }, { maxDataLength: 10 }), RangeError);
});

t.test('encoding and limits', async (t) => {
  const packet: Packet = { qn: '20240315121000000', st: '32', cn: '3020', pw: '123456', mn: MN, flag: 5, cp: { 'i11001-Info': '//仪器自检完成€//' } };
  const gbk = encodeFrame(packet, { encoding: 'gbk' });
  const utf8 = encodeFrame(packet);
  t.equal(utf8.length - gbk.length, 6 + 2, 'GBK: 2 bytes per Hanzi instead of 3, 1 for € (0x80) instead of 3');
  t.match(parseFrame(gbk, { encoding: 'gbk' }), { ok: true, packet });
  t.throws(() => encodeFrame({ ...packet, cp: { i: '😀' } }, { encoding: 'gbk' }), RangeError, 'not in GBK');
  t.throws(() => encodeFrame({ ...packet, cp: { i: 'x'.repeat(10000) } }), RangeError, 'over 4 digits');
  const extra = encodeDataSegment({ cn: '2011', extra: { Vendor: 'v' }, cp: {} });
  t.equal(extra, 'CN=2011;Vendor=v;CP=&&&&');
});
