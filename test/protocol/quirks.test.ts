/**
 * Collector quirks accepted on purpose (issue 12): length fields that lie (`lengthPolicy`), CR CR LF trailers from
 * Windows logs (`allowCrCrLf`), MNs with `_` / `-` (`mnCharset`), through parseFrame and through the framer.
 */
import t from 'tap';
import {
  crc16,
  crc16Modbus,
  crcToHex,
  encodeFrame,
  isLengthPolicy,
  lengthPolicyAccepts,
  mnAlphabet,
  parseDataSegment,
  parseFrame,
  type ParseOptions,
} from '../../protocol/index.js';
import { bytewise, collect, concat } from './collect.js';

const MN = '33010600000001W00000001A';
const enc = (s: string) => Buffer.from(s, 'utf8');
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const seg = (mn = MN) => `QN=20240315103000123;ST=22;CN=2011;PW=123456;MN=${mn};Flag=5;CP=&&DataTime=20240315103000;a21026-Rtd=12.5&&`;

/** A frame around `s` with the length field off by `offset`, the given trailer and CRC. */
function frame(s: string, offset = 0, trailer = '\r\n', crc = crcToHex(crc16(enc(s)))): Uint8Array {
  const n = Buffer.byteLength(s) + offset;
  return enc(`##${String(n).padStart(4, '0')}${s}${crc}${trailer}`);
}

function verdict(bytes: Uint8Array, opts?: ParseOptions): string {
  const r = parseFrame(bytes, opts);
  return r.ok ? `ok ${r.warnings.map((w) => w.code).join(' ')} ${r.lengthOffset ?? ''}`.trim() : r.code;
}

t.test('policy helpers', async (t) => {
  for (const ok of ['exact', 'trust-crlf', 'offset:6', 'offset:-3', 'offset:99']) t.ok(isLengthPolicy(ok), ok);
  for (const bad of ['offset:0', 'offset:100', 'offset:+6', 'offset:06', 'offset:', 'trust', '']) t.notOk(isLengthPolicy(bad), bad);
  t.ok(lengthPolicyAccepts('exact', 0));
  t.notOk(lengthPolicyAccepts('exact', 6));
  t.ok(lengthPolicyAccepts('offset:6', 6));
  t.notOk(lengthPolicyAccepts('offset:6', 5));
  t.ok(lengthPolicyAccepts('offset:-2', -2));
  t.ok(lengthPolicyAccepts('trust-crlf', 1234));
  t.equal(mnAlphabet('ABC123xyz'), 0);
  t.equal(mnAlphabet('JLYP01_AIR01_0001'), 1);
  t.equal(mnAlphabet('a-b'), 1);
  for (const bad of ['', 'a b', 'a\r', 'a"b', "a'b", 'a,b', 'a=b', 'a;b', 'é', '仪器', 'a@b', 'a[b', 'a`b', 'a{b', 'a/b', 'a:b']) {
    t.equal(mnAlphabet(bad), -1, JSON.stringify(bad));
  }
});

t.test('length field = len + 6 (a widely copied Python client)', async (t) => {
  const f = frame(seg(), 6);
  t.equal(verdict(f), 'HJ_ERR_LENGTH', 'default policy: exact');
  t.equal(verdict(f, { lengthPolicy: 'offset:6' }), 'ok HJ_WARN_LENGTH_POLICY 6');
  t.equal(verdict(f, { lengthPolicy: 'offset:5' }), 'HJ_ERR_LENGTH', 'another offset');
  t.equal(verdict(f, { lengthPolicy: 'trust-crlf' }), 'ok HJ_WARN_LENGTH_POLICY 6');
  t.equal(verdict(f, { lengthPolicy: 'offset:6', strict: true }), 'HJ_ERR_LENGTH', 'strict is exact');
  const r = parseFrame(f, { lengthPolicy: 'offset:6' });
  t.match(r, { ok: true, packet: { mn: MN, cp: { 'a21026-Rtd': '12.5' } } });
  t.equal(verdict(frame(seg(), -3), { lengthPolicy: 'offset:-3' }), 'ok HJ_WARN_LENGTH_POLICY -3', 'a negative offset');
  t.equal(verdict(frame(seg(), 0), { lengthPolicy: 'offset:6' }), 'ok', 'a correct length is always accepted');
  t.equal(verdict(frame(seg(), 6, '\r\n', 'ABCD'), { lengthPolicy: 'trust-crlf' }), 'HJ_ERR_LENGTH', 'a CRC that does not verify explains nothing');
  const modbus = frame(seg(), 6, '\r\n', crcToHex(crc16Modbus(enc(seg()))));
  t.equal(verdict(modbus, { lengthPolicy: 'offset:6' }), 'ok HJ_WARN_LENGTH_POLICY HJ_WARN_CRC_VARIANT 6', 'any accepted CRC variant');
  t.equal(verdict(modbus, { lengthPolicy: 'offset:6', crcVariants: ['hj212'] }), 'HJ_ERR_LENGTH');
  const long = `QN=20240315103000123;ST=22;CN=2011;PW=1;MN=${MN};Flag=5;CP=&&i11001-Info=${'x'.repeat(120)}&&`;
  t.equal(verdict(frame(long, -50), { lengthPolicy: 'offset:-50', maxDataLength: 100 }), 'HJ_ERR_TOO_LONG', 'real length over the maximum');
  t.equal(verdict(frame(long, 6), { lengthPolicy: 'offset:6', maxDataLength: 100 }), 'HJ_ERR_TOO_LONG');
  const full = seg();
  const atMax = { maxDataLength: Buffer.byteLength(full) };
  t.equal(verdict(frame(full, 6), { ...atMax, lengthPolicy: 'offset:6' }), 'ok HJ_WARN_LENGTH_POLICY 6', 'a full-size segment: the length field may exceed the maximum');
  t.equal(verdict(frame(full, 6), atMax), 'HJ_ERR_TOO_LONG', 'exact: over the maximum');
  t.equal(verdict(frame(full, 6, '\r\n', 'ABCD'), { ...atMax, lengthPolicy: 'trust-crlf' }), 'HJ_ERR_TOO_LONG', 'unexplained: over the maximum');
});

t.test('CR CR LF trailer (captures logged on Windows)', async (t) => {
  const f = frame(seg(), 0, '\r\r\n');
  t.equal(verdict(f), 'ok HJ_WARN_TRAILER_CRCRLF');
  t.equal(verdict(f, { strict: true }), 'HJ_ERR_TRAILER');
  t.equal(verdict(f, { allowCrCrLf: false }), 'HJ_ERR_TRAILER');
  t.equal(verdict(frame(seg(), 6, '\r\r\n'), { lengthPolicy: 'offset:6' }), 'ok HJ_WARN_TRAILER_CRCRLF HJ_WARN_LENGTH_POLICY 6', 'with a lying length');
  t.equal(verdict(frame(seg(), 6, '\r\r\n')), 'HJ_ERR_LENGTH', 'lying length, exact policy');
  const zh = `QN=20240315103000123;ST=22;CN=3020;PW=1;MN=${MN};Flag=5;CP=&&DataTime=20240315103000;i11001-Info=仪器&&`;
  const chars = enc(`##${String([...zh].length).padStart(4, '0')}${zh}${crcToHex(crc16(enc(zh)))}\r\r\n`);
  t.equal(verdict(chars), 'ok HJ_WARN_TRAILER_CRCRLF HJ_WARN_LENGTH_CHARS', 'with a length counting characters');
  const exact = Buffer.from(frame(seg()));
  exact[exact.length - 3] = 0x0d;
  t.equal(verdict(exact), 'HJ_ERR_CRC', 'CR in place of the last CRC digit is a bad CRC, not a trailer');
});

t.test('MN alphabet: underscores and hyphens only when extended', async (t) => {
  const go = 'JLYP01_AIR01_0001';
  const f = frame(seg(go));
  t.equal(verdict(f), 'HJ_ERR_MN', 'default alnum');
  t.equal(verdict(f, { mnCharset: 'extended' }), 'ok HJ_WARN_MN_CHARSET HJ_WARN_MN_LENGTH');
  t.equal(verdict(f, { mnCharset: 'extended', strict: true }), 'HJ_ERR_MN', 'strict: letters and digits');
  t.equal(verdict(frame(seg(MN)), { mnCharset: 'extended' }), 'ok', 'a plain MN has no warning');
  for (const bad of ['JLYP01 AIR01', 'JLYP01"AIR', 'JLYP01仪器', "JLYP'01"]) t.equal(verdict(frame(seg(bad)), { mnCharset: 'extended' }), 'HJ_ERR_MN', bad);
  t.match(parseDataSegment(seg('33010600000001W0000000-A'), { mnCharset: 'extended' }), { ok: true, warnings: [{ code: 'HJ_WARN_MN_CHARSET' }] });
  t.match(parseDataSegment(seg('33010600000001W0000000-A')), { ok: false, code: 'HJ_ERR_MN' });
});

t.test('framer: lying length fields', async (t) => {
  const good = encodeFrame({ qn: '20240315103000124', st: '22', cn: '2011', pw: '1', mn: MN, flag: 5, cp: { DataTime: '20240315103100' } });
  const lying = frame(seg(), 6);
  const exact = collect([concat([lying, good])]);
  t.strictSame(exact.frames.map(text), [text(good)], 'exact: the lying frame is reported');
  t.strictSame(exact.errors.map((e) => e.code), ['HJ_ERR_LENGTH']);
  for (const lengthPolicy of ['offset:6', 'trust-crlf'] as const) {
    for (const chunks of [[concat([lying, good])], bytewise(concat([lying, good]))]) {
      const c = collect(chunks, { lengthPolicy });
      t.strictSame(c.frames.map(text), [text(lying), text(good)], `${lengthPolicy}: both frames`);
      t.strictSame(c.metas, [{ charLength: false, offset: 0, lengthOffset: 6 }, { charLength: false, offset: lying.length }]);
      t.equal(c.discarded, 0);
    }
  }
  t.strictSame(collect([lying], { lengthPolicy: 'offset:5' }).errors.map((e) => e.code), ['HJ_ERR_LENGTH'], 'offset must match');
  const badCrc = frame(seg(), 6, '\r\n', 'ABCD');
  t.strictSame(collect([badCrc], { lengthPolicy: 'trust-crlf' }).errors.map((e) => e.code), ['HJ_ERR_LENGTH'], 'CRC must verify');
  const cut = concat([enc('##0100QN=1;'), good]);
  const c = collect([cut], { lengthPolicy: 'trust-crlf' });
  t.strictSame([c.errors.map((e) => e.code), c.frames.map(text)], [['HJ_ERR_TRAILER'], [text(good)]], 'a lost end is not trusted');
  t.strictSame(collect([enc('##0100QN\r\n')], { lengthPolicy: 'trust-crlf' }).errors.map((e) => e.code), ['HJ_ERR_LENGTH'], 'no room for a CRC');
});

t.test('framer: CR CR LF trailers', async (t) => {
  const a = frame(seg(), 0, '\r\r\n');
  const b = frame(seg(), 0, '\r\r\n');
  const c = collect(bytewise(concat([a, b])));
  t.strictSame(c.frames.map(text), [text(a), text(b)]);
  t.strictSame(c.metas, [{ charLength: false, offset: 0, crCrLf: true }, { charLength: false, offset: a.length, crCrLf: true }]);
  t.strictSame(collect([a], { allowCrCrLf: false }).errors.map((e) => e.code), ['HJ_ERR_LENGTH'], 'off: reported');
  const both = frame(seg(), 6, '\r\r\n');
  t.strictSame(collect([both], { lengthPolicy: 'offset:6' }).metas, [{ charLength: false, offset: 0, crCrLf: true, lengthOffset: 6 }]);
  const zh = `QN=20240315103000123;ST=22;CN=3020;PW=1;MN=${MN};Flag=5;CP=&&DataTime=20240315103000;i11001-Info=仪器&&`;
  const chars = enc(`##${String([...zh].length).padStart(4, '0')}${zh}${crcToHex(crc16(enc(zh)))}\r\r\n`);
  t.strictSame(collect([chars]).metas, [{ charLength: true, offset: 0, crCrLf: true }], 'with a length counting characters');
  t.strictSame(collect([enc('##0000\r\r\n')]).errors.map((e) => e.code), ['HJ_ERR_LENGTH'], 'no room for a CRC before CR CR LF');
  // A sub-packet cut at the maximum, logged on Windows: one byte longer than the longest standard frame.
  const full = frame(seg(), 0, '\r\r\n');
  const atMax = { maxDataLength: full.length - 13 };
  t.strictSame(collect(bytewise(full), atMax).metas, [{ charLength: false, offset: 0, crCrLf: true }], 'a maximum-size frame');
  const off = collect(bytewise(full), { ...atMax, allowCrCrLf: false });
  t.strictSame([off.frames.length, off.errors.map((e) => e.code)], [0, ['HJ_ERR_TRAILER']], 'off: no CR LF within the maximum frame');
});
