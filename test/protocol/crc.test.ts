/** CRC16 variants against the check vectors of docs/protocol.md §2 (HJ212-2017 App. A; 1C80 is the standard's example). */
import fc from 'fast-check';
import t from 'tap';
import { CRC_VARIANTS, computeCrc, crc16, crc16Modbus, crcToHex, matchCrc, parseCrcHex } from '../../protocol/index.js';
import { crc16Simple, writeCrcHex } from '../../protocol/crc.js';

const enc = (s: string) => new TextEncoder().encode(s);
const APPENDIX_C = 'QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&';

const VECTORS: [string, string, string, string][] = [
  ['123456789', '2F80', '4B37', '374B'],
  ['', 'FFFF', 'FFFF', 'FFFF'],
  ['A', '7080', '707F', '7F70'],
  [APPENDIX_C, '1C80', '0759', '5907'],
];

t.test('check vectors of docs/protocol.md §2', async (t) => {
  for (const [input, hj, modbus, swapped] of VECTORS) {
    const b = enc(input);
    t.equal(crcToHex(crc16(b)), hj, `hj212 ${input.slice(0, 12)}`);
    t.equal(crcToHex(crc16Modbus(b)), modbus, `modbus ${input.slice(0, 12)}`);
    t.equal(crcToHex(computeCrc('modbus-swapped', b)), swapped, `modbus-swapped ${input.slice(0, 12)}`);
    t.equal(computeCrc('hj212', b), crc16(b));
    t.equal(computeCrc('modbus', b), crc16Modbus(b));
  }
});

t.test('ranges: start/end select the data segment inside a frame', async (t) => {
  const frame = enc(`##0101${APPENDIX_C}1C80\r\n`);
  t.equal(crcToHex(crc16(frame, 6, 107)), '1C80');
  t.equal(crc16(frame, 10, 10), 0xffff, 'empty range');
});

t.test('the fused two-byte table equals the one-byte loop of the standard', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(5), fc.nat(5), (bytes, a, b) => {
      const start = Math.min(a, bytes.length);
      const end = Math.max(start, bytes.length - b);
      return crc16(bytes, start, end) === crc16Simple(bytes, start, end);
    }),
    { numRuns: 500 },
  );
  t.pass('crc16 === crc16Simple on 500 random inputs');
});

t.test('hex helpers', async (t) => {
  t.equal(crcToHex(0x0a), '000A');
  const out = new Uint8Array(6);
  writeCrcHex(0xbeef, out, 1);
  t.equal(Buffer.from(out.subarray(1, 5)).toString(), 'BEEF');
  t.strictSame(parseCrcHex('1c80'), { value: 0x1c80, lowercase: true });
  t.strictSame(parseCrcHex('1C80'), { value: 0x1c80, lowercase: false });
  t.strictSame(parseCrcHex(enc('xx09AF'), 2), { value: 0x09af, lowercase: false });
  t.equal(parseCrcHex('1C8'), undefined, 'too short');
  t.equal(parseCrcHex('1C801'), undefined, 'text must be exactly 4 digits');
  t.equal(parseCrcHex('1G80'), undefined, 'not hex');
  t.equal(parseCrcHex(enc('12')), undefined, 'bytes too short');
});

t.test('matchCrc reports the variant, standard first, case-insensitively', async (t) => {
  const b = enc(APPENDIX_C);
  t.strictSame(matchCrc(b, 0, b.length, '1C80'), { variant: 'hj212', lowercase: false });
  t.strictSame(matchCrc(b, 0, b.length, '1c80'), { variant: 'hj212', lowercase: true });
  t.strictSame(matchCrc(b, 0, b.length, enc('0759')), { variant: 'modbus', lowercase: false });
  t.strictSame(matchCrc(b, 0, b.length, '5907'), { variant: 'modbus-swapped', lowercase: false });
  t.equal(matchCrc(b, 0, b.length, '0759', ['hj212']), undefined, 'variant not accepted');
  t.equal(matchCrc(b, 0, b.length, '5907', ['hj212', 'modbus']), undefined);
  t.strictSame(matchCrc(b, 0, b.length, '5907', ['modbus-swapped']), { variant: 'modbus-swapped', lowercase: false });
  t.equal(matchCrc(b, 0, b.length, 'ABCD'), undefined, 'no variant');
  t.equal(matchCrc(b, 0, b.length, 'zz'), undefined, 'not a CRC');
  // The empty segment: all three are FFFF, so the standard one is reported.
  t.strictSame(matchCrc(b, 0, 0, 'ffff'), { variant: 'hj212', lowercase: true });
  t.strictSame(CRC_VARIANTS, ['hj212', 'modbus', 'modbus-swapped']);
});
