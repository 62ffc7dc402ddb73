/**
 * The gateway against real Redis, InfluxDB and TCP: ack only after the data is queryable, retransmits, rejections
 * with the standard 9011 codes, sticky and half frames, sub-packets, 2005/2017/2025 collectors, a Modbus-CRC profile.
 */
import t from 'tap';
import { encodeFrame, encodeFrames, uploadPacket, type Packet, type Target } from '../../protocol/index.js';
import { connectCollector } from '../helpers/collector.js';
import { startTestGateway } from '../helpers/gateway.js';

const MN = '33010600000001W00000001A';
const target = (over: Partial<Target> = {}): Target => ({ st: '32', pw: '654321', mn: MN, ...over });
let seq = 0;
const qn = (): string => `20240315103000${String(100 + (seq++ % 900))}`;

function hourUpload(dataTime: string, cod: string, over: Partial<Target> = {}): Packet {
  return uploadPacket(target({ qn: qn(), ...over }), '2061', {
    dataTime,
    factors: [
      { code: 'w01018', min: '20.1', avg: cod, max: '40.2', flag: 'N' },
      { code: 'w21003', avg: '0.512', cou: '1.23', flag: 'N' },
    ],
  });
}

t.test('gateway', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: '654321', version: '2017' });

  t.test('9014 only after the reading is queryable; verbatim value kept', async (t) => {
    const c = await connectCollector(gw.port);
    t.teardown(() => c.close());
    const p = hourUpload('20240315100000', '28.40');
    c.send(encodeFrame(p));
    const ack = await c.next((r) => r.cn === '9014');
    t.equal(ack.qn, p.qn, 'ack echoes QN');
    t.equal(ack.st, '91');
    t.equal(ack.flag, 4, '2017 reply flag: version bits, no A');
    const rows = await gw.rows('hour', MN);
    const cod = rows.find((r) => r.factor === 'w01018');
    t.ok(cod, 'COD row present when the ack arrives');
    t.equal(cod?.avg, 28.4);
    t.equal(cod?.flag, 'N');
    t.match(String(cod?.raw), /Avg=28\.40/, 'verbatim group keeps 28.40');
    t.equal(cod?.time, Date.UTC(2024, 2, 15, 2, 0, 0), 'DataTime read in Asia/Shanghai');
  });

  t.test('a retransmit is re-acked without a second write', async (t) => {
    const c = await connectCollector(gw.port);
    t.teardown(() => c.close());
    const p = hourUpload('20240315110000', '30.0');
    c.send(encodeFrame(p));
    await c.next((r) => r.cn === '9014' && r.qn === p.qn);
    c.send(encodeFrame(p));
    await c.next((r) => r.cn === '9014' && r.qn === p.qn);
    const dup = await gw.metrics.frames.get();
    const duplicates = dup.values.filter((v) => v.labels.verdict === 'duplicate').reduce((a, v) => a + v.value, 0);
    t.equal(duplicates, 1, 'second copy counted as duplicate');
    const rows = (await gw.rows('hour', MN)).filter((r) => r.time === Date.UTC(2024, 2, 15, 3) && r.factor === 'w01018');
    t.equal(rows.length, 1, 'one point stored');
  });

  t.test('rejections answer with 9011 QnRtn codes and are recorded', async (t) => {
    const c = await connectCollector(gw.port);
    t.teardown(() => c.close());
    const bad = Buffer.from(encodeFrame(hourUpload('20240315120000', '1')));
    bad[bad.length - 3] = bad[bad.length - 3] === 0x30 ? 0x31 : 0x30;
    c.send(bad);
    t.equal((await c.next((r) => r.cn === '9011')).cp.QnRtn, '9', 'CRC error');
    c.send(encodeFrame(hourUpload('20240315120000', '1', { pw: '000000' })));
    t.equal((await c.next((r) => r.cn === '9011')).cp.QnRtn, '3', 'password error');
    const stranger = 'AAAAAAAAAAAAAAAAAAAAAAA1';
    c.send(encodeFrame(hourUpload('20240315120000', '1', { mn: stranger })));
    t.equal((await c.next((r) => r.cn === '9011')).cp.QnRtn, '4', 'MN error');
    const pending = await gw.registry.listPending();
    const entry = pending.find((p) => p.mn === stranger);
    t.ok(entry, 'unknown MN is on the pending list');
    t.equal(entry?.sourceIp.replace('::ffff:', ''), '127.0.0.1');
    c.send(encodeFrame(uploadPacket(target({ qn: qn() }), '4999', {})));
    t.equal((await c.next((r) => r.cn === '9011')).cp.QnRtn, '8', 'unknown CN');
  });

  t.test('sticky and half frames across reads', async (t) => {
    const c = await connectCollector(gw.port);
    t.teardown(() => c.close());
    const a = hourUpload('20240316000000', '1.5');
    const b = hourUpload('20240316010000', '2.5');
    const d = hourUpload('20240316020000', '3.5');
    const bytes = Buffer.concat([Buffer.from('garbage##12'), encodeFrame(a), encodeFrame(b), encodeFrame(d)]);
    const cut = bytes.length - 40;
    c.send(bytes.subarray(0, cut));
    await c.next((r) => r.qn === a.qn);
    await c.next((r) => r.qn === b.qn);
    c.send(bytes.subarray(cut));
    t.equal((await c.next((r) => r.qn === d.qn)).cn, '9014', 'third frame completed by the next read');
  });

  t.test('sub-packets: each part stored and acked', async (t) => {
    const c = await connectCollector(gw.port);
    t.teardown(() => c.close());
    const factors = Array.from({ length: 12 }, (_, i) => ({ code: `w0${1000 + i}`, avg: `${i}.5`, flag: 'N' }));
    const p = uploadPacket(target({ qn: qn() }), '2061', { dataTime: '20240317000000', factors });
    const parts = encodeFrames(p, { maxDataLength: 300 });
    t.ok(parts.length > 1, `split into ${parts.length} parts`);
    for (const part of parts) c.send(part);
    for (let i = 0; i < parts.length; i++) await c.next((r) => r.cn === '9014' && r.qn === p.qn);
    const rows = (await gw.rows('hour', MN)).filter((r) => r.time === Date.UTC(2024, 2, 16, 16));
    t.equal(rows.length, 12, 'all readings of all parts stored');
  });

  t.test('2005 and 2025 collectors', async (t) => {
    const mn05 = '12345678901234';
    const mn25 = '440305000000010000000025';
    await gw.addDevice({ mn: mn05, password: '123456', version: '2005' });
    await gw.addDevice({ mn: mn25, password: 'pw2025', version: '2025' });
    const c = await connectCollector(gw.port);
    t.teardown(() => c.close());
    const p25 = uploadPacket({ st: '31', pw: 'pw2025', mn: mn25, version: '2025', qn: qn() }, '2011', {
      dataTime: '20260105080000',
      factors: [{ code: 'a21026', rtd: '35.6', zsRtd: '41.2', flag: 'N' }],
    });
    c.send(encodeFrame(p25));
    const ack = await c.next((r) => r.qn === p25.qn);
    t.equal(ack.flag, 8, '2025 reply flag carries version 2');
    const p05 = { qn: qn(), st: '32', cn: '2061', pw: '123456', mn: mn05, flag: 1, cp: { DataTime: '20050601100000', '011-Avg': '55.1' } };
    c.send(encodeFrame(p05));
    t.equal((await c.next((r) => r.qn === p05.qn)).flag, 0, '2005 reply: version bits 0, no A');
    const rows = await gw.rows('hour', mn05);
    t.equal(rows[0]?.factor, '011', '2005 factor code stored as sent');
    t.equal(rows[0]?.avg, 55.1);
  });

  t.test('registry changes apply without restart', async (t) => {
    const mn = 'LIVECHANGE00000000000001';
    await gw.addDevice({ mn, password: '222333' });
    const c = await connectCollector(gw.port);
    t.teardown(() => c.close());
    const send = async (): Promise<Packet> => {
      const p = uploadPacket({ st: '32', pw: '222333', mn, qn: qn() }, '2011', { dataTime: '20240315103000', factors: [{ code: 'w01001', rtd: '7.0' }] });
      c.send(encodeFrame(p));
      return c.next((r) => r.qn === p.qn);
    };
    t.equal((await send()).cn, '9014', 'accepted while enabled');
    const device = await gw.registry.get(mn);
    await gw.registry.put({ ...device!, enabled: false });
    t.equal((await send()).cp.QnRtn, '4', 'disabled device rejected by the running gateway');
  });

  t.test('a collector with a Modbus-CRC profile', async (t) => {
    const mn = 'MODBUS000000000000000001';
    await gw.addDevice({ mn, password: '111222', crcVariants: ['modbus'] });
    const c = await connectCollector(gw.port);
    t.teardown(() => c.close());
    const p = uploadPacket({ st: '32', pw: '111222', mn, qn: qn() }, '2011', { dataTime: '20240315103000', factors: [{ code: 'w01001', rtd: '7.21' }] });
    c.send(encodeFrame(p, { crc: 'modbus' }));
    const ack = await c.next((r) => r.qn === p.qn);
    t.equal(ack.cn, '9014', 'modbus-CRC frame accepted');
    const standard = { ...p, qn: qn() };
    c.send(encodeFrame(standard));
    t.equal((await c.next((r) => r.qn === standard.qn)).cp.QnRtn, '9', 'standard CRC is not in this profile');
  });
});
