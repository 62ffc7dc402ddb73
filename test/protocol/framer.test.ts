/** Stream framer: cutting, resync, discarded counting, char-count lengths, end of input, memory bound. */
import t from 'tap';
import { createFramer, encodeFrame, type Packet } from '../../protocol/index.js';
import { bytewise, collect, concat } from './collect.js';

const enc = (s: string) => Buffer.from(s, 'utf8');
const packet = (cp: Record<string, string>): Packet => ({
  qn: '20240315103000123',
  st: '32',
  cn: '2011',
  pw: '123456',
  mn: '33010600000001W00000001A',
  flag: 5,
  cp,
});
const A = encodeFrame(packet({ DataTime: '20240315103000', 'w01018-Rtd': '28.4' }));
const B = encodeFrame(packet({ DataTime: '20240315103100', 'w01018-Rtd': '28.5' }));
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

t.test('frames in one chunk, split, and byte by byte', async (t) => {
  const both = concat([A, B]);
  for (const chunks of [[both], bytewise(both), [both.subarray(0, 7), both.subarray(7, 200), both.subarray(200)]]) {
    const c = collect(chunks);
    t.strictSame(c.frames.map(text), [text(A), text(B)]);
    t.equal(c.discarded, 0);
    t.strictSame(c.metas, [
      { charLength: false, offset: 0 },
      { charLength: false, offset: A.length },
    ]);
  }
});

t.test('frames are zero-copy views of a complete chunk', async (t) => {
  const chunk = concat([A, B]);
  const seen: Uint8Array[] = [];
  const framer = createFramer({ onFrame: (f) => seen.push(f) });
  framer.push(chunk);
  t.equal(seen[0]!.buffer, chunk.buffer, 'a subarray of the pushed chunk');
  t.equal(framer.buffered, 0);
});

t.test('junk, # runs and lone # at a chunk end', async (t) => {
  const c = collect([enc('xx#'), concat([enc('#'), A]), enc('###'), B, enc('#')]);
  t.strictSame(c.frames.map(text), [text(A), text(B)]);
  t.equal(c.errors.length, 0, 'a run of # is junk, not a bad frame');
  // xx; two # of ####; three of #####; the trailing #.
  t.equal(c.discarded, 2 + 2 + 3 + 1);
  const kept = collect([enc('ab#')], {}, false);
  t.equal(kept.bufferedAfterPush[0], 1, 'a trailing # waits for the next chunk');
});

t.test('bad candidates: reported, one byte dropped, rescanned', async (t) => {
  const cases: [string, Uint8Array, string][] = [
    ['length not digits', enc('##01A5QN=1'), 'HJ_ERR_LENGTH'],
    ['too long, decided at once', enc('##1025'), 'HJ_ERR_TOO_LONG'],
    ['CR LF before the length ends', enc('##0100QN=1;CP=&&&&ABCD\r\n'), 'HJ_ERR_LENGTH'],
    ['CR LF after the length ends', enc('##0001QN=1;CP=&&&&ABCD\r\n'), 'HJ_ERR_LENGTH'],
    ['a frame starts before the CR LF', enc('##0100QN=1;'), 'HJ_ERR_TRAILER'],
  ];
  for (const [name, junk, code] of cases) {
    const c = collect([concat([junk, A])], {}, false);
    t.strictSame(
      c.errors.map((e) => e.code),
      [code],
      name,
    );
    t.equal(c.errors[0]!.offset, 0, `${name}: offset`);
    t.strictSame(c.frames.map(text), [text(A)], `${name}: the next frame is found without end()`);
    t.equal(c.discarded, junk.length, `${name}: discarded`);
  }
});

t.test('a frame cut short by a new frame', async (t) => {
  const cut = A.subarray(0, 60);
  const c = collect([concat([cut, B])], {}, false);
  t.strictSame(
    c.errors.map((e) => e.code),
    ['HJ_ERR_TRAILER'],
  );
  t.strictSame(c.frames.map(text), [text(B)]);
  t.equal(c.discarded, 60);
});

t.test('end() reports an unfinished frame and resyncs the rest', async (t) => {
  const cases: [string, Uint8Array, string[]][] = [
    ['no trailer', A.subarray(0, A.length - 2), ['HJ_ERR_TRAILER']],
    ['only LF', concat([A.subarray(0, A.length - 2), enc('\n')]), ['HJ_ERR_TRAILER']],
    ['CR at the end', A.subarray(0, A.length - 1), ['HJ_ERR_TRAILER']],
    ['length cut off', enc('##01'), ['HJ_ERR_LENGTH']],
    ['two unfinished', enc('##0100abc##0200'), ['HJ_ERR_TRAILER', 'HJ_ERR_TRAILER']],
  ];
  for (const [name, bytes, codes] of cases) {
    const framer = createFramer({ onFrame: () => t.fail('no frame'), onError: (e) => seen.push(e.code) });
    const seen: string[] = [];
    framer.push(bytes);
    t.strictSame(seen, [], `${name}: nothing before end()`);
    framer.end();
    t.strictSame(seen, codes, name);
    t.equal(framer.discarded, bytes.length, `${name}: all discarded`);
    t.equal(framer.buffered, 0);
  }
  const again = createFramer({ onFrame: (f) => frames.push(text(f)) });
  const frames: string[] = [];
  again.push(enc('#'));
  again.end();
  again.end();
  again.push(A);
  t.strictSame(frames, [text(A)], 'usable after end()');
  t.equal(again.discarded, 1);
});

t.test('length counted in characters (docs/protocol.md §1)', async (t) => {
  const seg = 'QN=20240315121000000;ST=32;CN=3020;PW=123456;MN=33010600000001W00000001A;Flag=5;CP=&&i11001-Info=//仪器//&&';
  const utf8 = encodeFrame({ ...packet({}), cn: '3020', cp: { 'i11001-Info': '//仪器//' } });
  const chars = [...seg].length;
  const frame = concat([enc(`##${String(chars).padStart(4, '0')}`), utf8.subarray(6)]);
  const lenient = collect([frame]);
  t.equal(lenient.frames.length, 1);
  t.strictSame(lenient.metas[0], { charLength: true, offset: 0 });
  t.equal(collect(bytewise(frame)).frames.length, 1, 'also byte by byte');
  const strict = collect([frame], { allowCharLength: false });
  t.strictSame(
    strict.errors.map((e) => e.code),
    ['HJ_ERR_LENGTH'],
  );
  const gbk = encodeFrame({ ...packet({}), cn: '3020', cp: { 'i11001-Info': '//仪器//' } }, { encoding: 'gbk' });
  const gbkChars = concat([enc(`##${String(chars).padStart(4, '0')}`), gbk.subarray(6)]);
  t.equal(collect([gbkChars], { encoding: 'gbk' }).frames.length, 1, 'GBK characters');
  t.equal(collect([gbkChars], { encoding: 'utf-8' }).frames.length, 0, 'GBK bytes are not UTF-8 characters');
  const badCrc = Buffer.from(frame);
  badCrc[badCrc.length - 3] = badCrc[badCrc.length - 3] === 0x30 ? 0x31 : 0x30;
  t.strictSame(
    collect([badCrc]).errors.map((e) => e.code),
    ['HJ_ERR_CRC'],
    'char count fits but the CRC does not',
  );
});

t.test('memory bound: no CR LF within the maximum frame', async (t) => {
  const framer = createFramer({ maxDataLength: 100, onFrame: () => t.fail(), onError: (e) => codes.push(e.code) });
  const codes: string[] = [];
  framer.push(enc('##0050'));
  for (let i = 0; i < 300; i++) {
    framer.push(enc('x'));
    t.ok(framer.buffered < 112, 'never more than one maximum frame');
  }
  t.strictSame(codes, ['HJ_ERR_TRAILER']);
  t.equal(framer.buffered, 0);
  t.equal(framer.discarded, 306);
});

t.test('maxDataLength', async (t) => {
  const long = encodeFrame(packet({ 'i11001-Info': 'x'.repeat(1500) }));
  t.strictSame(
    collect([long]).errors.map((e) => e.code),
    ['HJ_ERR_TOO_LONG'],
  );
  t.equal(collect([long], { maxDataLength: 4000 }).frames.length, 1, 'a per-device allowance');
  t.throws(() => createFramer({ onFrame: () => undefined, maxDataLength: 10000 }), RangeError);
  t.throws(() => createFramer({ onFrame: () => undefined, maxDataLength: 1.5 }), RangeError);
});

t.test('callbacks: views, re-entrancy, exceptions', async (t) => {
  const framer = createFramer({ onFrame: () => framer.push(A) });
  t.throws(() => framer.push(A), /called from/, 'push from a callback is a programmer error');
  let calls = 0;
  const throwing = createFramer({
    onFrame: () => {
      calls++;
      if (calls === 1) throw new Error('consumer failed');
    },
  });
  t.throws(() => throwing.push(concat([A, B.subarray(0, 50)])), /consumer failed/);
  throwing.push(B.subarray(50));
  t.equal(calls, 2, 'the failed frame is not repeated, the next one arrives');
  t.equal(throwing.buffered, 0);
});

t.test('a large chunk after pending bytes grows the buffer, then it is released', async (t) => {
  const big = concat([A.subarray(10), ...Array.from({ length: 49 }, () => A), A.subarray(0, 10)]);
  let count = 0;
  const framer = createFramer({ onFrame: () => count++ });
  framer.push(A.subarray(0, 10));
  t.equal(framer.buffered, 10);
  framer.push(big);
  t.equal(count, 50);
  t.equal(framer.buffered, 10, 'the start of the next frame waits');
  framer.push(A.subarray(10));
  t.equal(count, 51);
  t.equal(framer.buffered, 0);
  t.equal(framer.discarded, 0);
});
