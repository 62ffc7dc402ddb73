/** The archive's frame encoding: lossless for any bytes, and shorter for HJ212 frames. */
import fc from 'fast-check';
import t from 'tap';
import { encodeFrame } from '../../protocol/index.js';
import { packFrame, unpackFrame } from '../../src/storage/redis/frame-codec.js';

const realtime = encodeFrame({
  qn: '20240101000000123',
  st: '32',
  cn: '2011',
  pw: '***',
  mn: 'V92000000000000000000001',
  flag: 5,
  cp: {
    DataTime: '20240101000000',
    'w01018-Rtd': '60.84', 'w01018-Flag': 'N', 'w21003-Rtd': '7.062', 'w21003-Flag': 'N', 'w01001-Rtd': '7.32', 'w01001-Flag': 'N',
    'w21011-Rtd': '1.163', 'w21011-Flag': 'N', 'w21001-Rtd': '-11.58', 'w21001-Flag': 'N', 'w00000-Rtd': '31.01', 'w00000-Flag': 'N',
  },
});

t.test('a realtime frame round-trips and shrinks', async (tt) => {
  const plain = Buffer.from(realtime);
  const packed = packFrame(plain);
  tt.same(unpackFrame(packed), plain);
  tt.ok(packed.length < plain.length * 0.7, `${plain.length} → ${packed.length} bytes`);
});

t.test('edge cases round-trip', async (tt) => {
  const cases = ['', '-', ';-', 'a-;a-', 'a-b,a-c,a-', '=a-;a-', '\xfd\xfe\xff\x80', 'w01018-Rtd=1,w01018-Flag=N;w01018', ',,,;;&&--==', '##0000QN=;CP=&&&&\r\n'];
  for (const c of cases) {
    const plain = Buffer.from(c, 'latin1');
    tt.same(unpackFrame(packFrame(plain)), plain, JSON.stringify(c));
  }
});

t.test('any bytes round-trip (property)', async (tt) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      const plain = Buffer.from(bytes);
      tt.same(unpackFrame(packFrame(plain)), plain);
    }),
    { numRuns: 300 },
  );
  // Text built from the HJ212 vocabulary, where tokens and repeated codes meet.
  const piece = fc.constantFrom('w01018', 'a21026', '-Rtd=', '-Flag=N', ';', ',', '&&', '=', '-', '00', '0000', '1', 'QN=', ';CN=2011', 'x', '\r\n', '\xfd');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 80 }), (pieces) => {
      const plain = Buffer.from(pieces.join(''), 'latin1');
      tt.same(unpackFrame(packFrame(plain)), plain);
    }),
    { numRuns: 500 },
  );
});

t.test('the packer writes what the earlier one wrote (stored format), also into a larger buffer at an offset', async (tt) => {
  const { packFrame: packV1 } = await import('./reference/archive-v1.js');
  const { packInto } = await import('../../src/storage/redis/frame-codec.js');
  const piece = fc.constantFrom('w01018', 'a21026', '-Rtd=', '-Flag=N', '-Flag=', ';', ',', '&&', '=', '-', '0', '00', '0000', '202', '1', 'QN=', ';CN=2011', ';CN=', ';CP=&&', 'w0', 'x', '\r\n', '\xfd', '\x80', '##0', ';PW=***');
  const input = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.array(piece, { maxLength: 80 }).map((p) => Buffer.from(p.join(''), 'latin1')));
  fc.assert(
    fc.property(input, fc.nat({ max: 7 }), (bytes, offset) => {
      const plain = Buffer.from(bytes);
      const expected = packV1(plain);
      tt.same(packFrame(plain), expected);
      const out = Buffer.alloc(offset + plain.length * 2, 0xee);
      const end = packInto(plain, out, offset);
      tt.same(out.subarray(offset, end), expected);
      tt.ok(out.subarray(0, offset).every((b) => b === 0xee), 'nothing written before the offset');
    }),
    { numRuns: 400 },
  );
  tt.same(packFrame(Buffer.from(realtime)), packV1(Buffer.from(realtime)), 'the realtime frame');
});
