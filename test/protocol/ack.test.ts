/** The 9014 ack from a template is byte for byte the general encoder's (HJ212-2017 6.5.2). */
import t from 'tap';
import { dataAck, encodeDataAck, encodeFrame, parseFrame, type CrcVariant, type Packet, type TextEncoding } from '../../protocol/index.js';

const MN = '33010600000001W00000001A';
const req = (over: Partial<Packet> = {}): Packet => ({ qn: '20240315103000123', st: '32', cn: '2011', pw: '123456', mn: MN, flag: 5, cp: { DataTime: '20240315103000' }, ...over });

t.test('same bytes as encodeFrame(dataAck(req)) for every header shape, CRC variant and encoding', async (t) => {
  const shapes: Partial<Packet>[] = [
    {},
    { flag: 4 },
    { flag: 7 },
    { flag: 9 },
    { flag: undefined },
    { pw: undefined },
    { pw: '654321' },
    { qn: undefined },
    { mn: undefined },
    { mn: '12345678901234' },
    { pw: '密码' },
    { qn: '2024031510300012密' },
    { extra: { X: '1' } },
    { mn: 'M'.repeat(9990) },
  ];
  let checked = 0;
  for (const crc of ['hj212', 'modbus', 'modbus-swapped'] as CrcVariant[]) {
    for (const encoding of ['utf-8', 'gbk'] as TextEncoding[]) {
      for (const shape of shapes) {
        // Twice: the first call builds the template, the second uses it.
        for (let round = 0; round < 2; round++) {
          const r = req(shape);
          let expected: Uint8Array | Error;
          try {
            expected = encodeFrame(dataAck(r), { crc, encoding });
          } catch (err) {
            expected = err as Error;
          }
          if (expected instanceof Error) t.throws(() => encodeDataAck(r, { crc, encoding }), RangeError, 'too long either way');
          else t.same(Buffer.from(encodeDataAck(r, { crc, encoding })), Buffer.from(expected), `${crc} ${encoding} ${JSON.stringify(shape).slice(0, 60)}`);
          checked++;
        }
      }
    }
  }
  t.ok(checked > 100);
});

t.test('a new QN, password or Flag for the same MN gives the right ack; the acks parse', async (t) => {
  for (const over of [{ qn: '20240315103000999' }, { pw: 'abc' }, { flag: 9 }, {}]) {
    const r = req(over);
    const bytes = encodeDataAck(r);
    t.same(Buffer.from(bytes), Buffer.from(encodeFrame(dataAck(r))));
    const parsed = parseFrame(bytes);
    t.ok(parsed.ok && parsed.packet.cn === '9014' && parsed.packet.qn === r.qn, 'a valid 9014');
  }
});

t.test('templates of many collectors stay bounded and right', async (t) => {
  let bad = 0;
  for (let i = 0; i < 10_050; i++) {
    const r = req({ mn: `33010600000001W${String(i).padStart(9, '0')}` });
    if (!Buffer.from(encodeDataAck(r)).equals(Buffer.from(encodeFrame(dataAck(r))))) bad++;
  }
  t.equal(bad, 0);
});
