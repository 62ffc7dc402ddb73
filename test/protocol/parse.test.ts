/** parseFrame / parseDataSegment beyond the corpus: header rules, options, offsets. */
import t from 'tap';
import { crc16, crcToHex, encodeFrame, parseDataSegment, parseFrame, type ParseOptions } from '../../protocol/index.js';

const MN = '33010600000001W00000001A';
const enc = (s: string) => Buffer.from(s, 'utf8');

/** A frame around a data segment, with the standard CRC unless given. */
function frame(seg: string, crc?: string): Uint8Array {
  const body = enc(seg);
  return enc(`##${String(body.length).padStart(4, '0')}${seg}${crc ?? crcToHex(crc16(body))}\r\n`);
}

function verdict(seg: string, opts?: ParseOptions): string {
  const r = parseFrame(frame(seg), opts);
  return r.ok ? 'ok' : r.code;
}

function warnings(seg: string, opts?: ParseOptions): string[] {
  const r = parseFrame(frame(seg), opts);
  return r.ok ? r.warnings.map((w) => w.code) : [r.code];
}

const head = `QN=20240315103000123;ST=32;CN=2011;PW=123456;MN=${MN}`;

t.test('framing checks in the corpus order', async (t) => {
  t.match(parseFrame(enc('')), { ok: false, code: 'HJ_ERR_HEADER', offset: 0 });
  t.match(parseFrame(enc('#')), { ok: false, code: 'HJ_ERR_HEADER' });
  t.match(parseFrame(enc('##01')), { ok: false, code: 'HJ_ERR_LENGTH', offset: 2 });
  t.match(parseFrame(enc('##9999')), { ok: false, code: 'HJ_ERR_TOO_LONG' }, 'too long before completeness');
  t.match(parseFrame(enc('##0000ABC')), { ok: false, code: 'HJ_ERR_TRAILER' });
  t.match(parseFrame(enc('##0010\r\n')), { ok: false, code: 'HJ_ERR_TRAILER' }, 'shorter than 10 bytes');
  t.match(parseFrame(enc('##0000FFFF\r\n')), { ok: false, code: 'HJ_ERR_CP_SYNTAX' }, 'CRC of nothing is FFFF');
  const f = frame(`${head};Flag=5;CP=&&&&`);
  const bad = Buffer.from(f);
  bad[bad.length - 1] = 0x20;
  t.match(parseFrame(bad), { ok: false, code: 'HJ_ERR_TRAILER' }, 'right length, wrong trailer');
  t.match(parseFrame(frame(`${head};Flag=5;CP=&&&&`, 'G123')), { ok: false, code: 'HJ_ERR_CRC' }, 'non-hex CRC');
});

t.test('options: maxDataLength, crcVariants, allowCharLength, strict', async (t) => {
  const long = `${head};Flag=5;CP=&&i11001-Info=${'x'.repeat(1100)}&&`;
  t.equal(verdict(long), 'HJ_ERR_TOO_LONG');
  t.equal(verdict(long, { maxDataLength: 2000 }), 'ok');
  const seg = `${head};Flag=5;CP=&&&&`;
  const modbus = 'QN=20240315103500000;ST=32;CN=2011;PW=123456;MN=33010600000001W00000001A;Flag=5;CP=&&DataTime=20240315103500;w01018-Rtd=26.9,w01018-Flag=N&&';
  const mb = frame(modbus, 'DC63');
  t.match(parseFrame(mb), { ok: true, crc: 'modbus' });
  t.match(parseFrame(mb, { crcVariants: ['hj212'] }), { ok: false, code: 'HJ_ERR_CRC' });
  t.match(parseFrame(mb, { strict: true, crcVariants: ['modbus'] }), { ok: false, code: 'HJ_ERR_CRC' }, 'strict wins');
  const zh = `${head};Flag=5;CP=&&i11001-Info=仪器&&`;
  const chars = enc(`##${String([...zh].length).padStart(4, '0')}${zh}${crcToHex(crc16(enc(zh)))}\r\n`);
  t.match(parseFrame(chars), { ok: true, warnings: [{ code: 'HJ_WARN_LENGTH_CHARS' }] });
  t.match(parseFrame(chars, { allowCharLength: false }), { ok: false, code: 'HJ_ERR_LENGTH' });
  t.match(parseFrame(chars, { maxDataLength: 100 }), { ok: false, code: 'HJ_ERR_TOO_LONG' }, 'bytes over the limit');
  t.equal(verdict(seg, { strict: true }), 'ok');
  // An astral character is 4 UTF-8 bytes, 2 UTF-16 units and 1 character (code point) for the length tolerance.
  const astral = `${head};Flag=5;CP=&&i11001-Info=\u{1F600}x&&`;
  const count = (n: number) => enc(`##${String(n).padStart(4, '0')}${astral}${crcToHex(crc16(enc(astral)))}\r\n`);
  t.match(parseFrame(count([...astral].length)), { ok: true, warnings: [{ code: 'HJ_WARN_LENGTH_CHARS' }] });
  t.match(parseFrame(count(astral.length)), { ok: false, code: 'HJ_ERR_LENGTH' }, 'UTF-16 units are not characters');
});

t.test('header fields', async (t) => {
  t.equal(verdict(`${head};Flag=5;Foo;CP=&&&&`), 'HJ_ERR_FIELD', 'field without =');
  t.equal(verdict(`${head};;Flag=5;CP=&&&&`), 'HJ_ERR_FIELD', 'empty field');
  t.equal(verdict(`${head};Flag=5;QN=20240315103000123;CP=&&&&`), 'HJ_ERR_FIELD', 'duplicate');
  t.equal(verdict(`${head};Flag=x;CP=&&&&`), 'HJ_ERR_FIELD', 'Flag not a number');
  t.equal(verdict(`${head};Flag=256;CP=&&&&`), 'HJ_ERR_FIELD', 'Flag over 255');
  t.equal(verdict(`${head};Flag=7;PNUM=x;PNO=1;CP=&&&&`), 'HJ_ERR_FIELD', 'PNUM');
  t.equal(verdict(`${head};Flag=7;PNUM=2;PNO=12345;CP=&&&&`), 'HJ_ERR_FIELD', 'PNO with 5 digits');
  t.equal(verdict(`QN=20240315103000123;ST=32;PW=1;MN=${MN};Flag=5;CP=&&&&`), 'HJ_ERR_FIELD', 'no CN');
  t.equal(verdict(`QN=2024031510300012;ST=32;CN=2011;MN=${MN};Flag=5;CP=&&&&`), 'HJ_ERR_QN', '16 digits');
  t.equal(verdict(`ST=32;CN=2011;Flag=5;CP=&&&&`), 'HJ_ERR_MN', 'no MN');
  t.equal(verdict(`ST=32;CN=2011;MN=;Flag=5;CP=&&&&`), 'HJ_ERR_MN', 'empty MN');
  t.equal(verdict(`ST=32;CN=2011;MN=ab-12;Flag=5;CP=&&&&`), 'HJ_ERR_MN', 'not alphanumeric');
  t.equal(verdict(`ST=32;CN=2011;MN=${MN}X;Flag=0;CP=&&&&`, { strict: true }), 'HJ_ERR_MN', '2005: over 24');
  t.equal(verdict(`ST=32;CN=2011;MN=12345678;Flag=0;CP=&&&&`, { strict: true }), 'ok', '2005: 8 characters');
  t.equal(verdict(`ST=32;CN=2011;MN=12345678901234;Flag=4;CP=&&&&`, { strict: true }), 'ok', '2017: 14 accepted');
  t.equal(verdict(`${head};Flag=5CP=&&&&`), 'ok', 'CP found without a separator (as the reference)');
  const p = parseFrame(frame(`${head};Flag=7;PNUM=2;PNO=1;Vendor=x1;CP=&&&&`));
  t.match(p, { ok: true, packet: { flag: 7, pnum: 2, pno: 1, extra: { Vendor: 'x1' } } });
  t.equal(verdict(`${head};Flag=5;A=1;A=2;CP=&&&&`), 'HJ_ERR_FIELD', 'duplicate unknown field');
});

t.test('warnings: unknown ST / CN / version, 2005 without Flag', async (t) => {
  t.strictSame(warnings(`${head.replace('ST=32', 'ST=80')};Flag=5;CP=&&&&`), ['HJ_WARN_UNKNOWN_ST']);
  t.strictSame(warnings(`QN=20240315103000123;CN=2011;PW=1;MN=${MN};Flag=5;CP=&&&&`), ['HJ_WARN_UNKNOWN_ST']);
  t.strictSame(warnings(`${head.replace('CN=2011', 'CN=8013')};Flag=5;CP=&&&&`), ['HJ_WARN_UNKNOWN_CN']);
  t.strictSame(warnings(`${head.replace('CN=2011', 'CN=2072')};Flag=5;CP=&&&&`), ['HJ_WARN_UNKNOWN_CN'], '2005-only');
  t.strictSame(warnings(`${head.replace('CN=2011', 'CN=2072')};Flag=1;CP=&&&&`), [], '2005 knows 2072');
  const v3 = parseFrame(frame(`${head};Flag=13;CP=&&&&`));
  t.match(v3, { ok: true, version: '2025', warnings: [{ code: 'HJ_WARN_UNKNOWN_VERSION' }] });
  t.equal(verdict(`${head};Flag=13;CP=&&&&`, { strict: true }), 'HJ_ERR_FIELD');
  t.match(parseFrame(frame(`${head};CP=&&&&`)), { ok: true, version: '2005', warnings: [{ code: 'HJ_WARN_NO_FLAG' }] });
});

t.test('CP rules in frames', async (t) => {
  t.equal(verdict(`${head};Flag=5;CP=&&`), 'HJ_ERR_CP_SYNTAX', 'CP=&& alone');
  t.equal(verdict(`${head};Flag=5;CP=&&&`), 'HJ_ERR_CP_SYNTAX');
  t.equal(verdict(`${head};Flag=5;CP=&&a&&`), 'HJ_ERR_CP_SYNTAX');
  t.equal(verdict(`${head.replace('2011', '2051')};Flag=5;CP=&&BeginTime=20240315000000,EndTime=20240315010000&&`), 'ok');
  t.equal(verdict(`${head.replace('2011', '2041')};Flag=5;CP=&&SB1-RT=1&&`), 'HJ_ERR_FIELD', '2041 without DataTime');
  const r = parseFrame(frame(`${head};Flag=5;CP=&&w01018-Rtd=1,w01018-Rtd=2&&`));
  t.match(r, { ok: false, code: 'HJ_ERR_FIELD' });
  t.equal(r.ok ? -1 : r.offset, 6 + `${head};Flag=5;CP=&&w01018-Rtd=1,`.length, 'offset points at the duplicate');
});

t.test('parseDataSegment and GBK text', async (t) => {
  t.match(parseDataSegment(`${head};Flag=5;CP=&&w01018-Rtd=x&&`), { ok: true, warnings: [{ code: 'HJ_WARN_NOT_NUMBER' }] });
  t.match(parseDataSegment(`${head};Flag=5;CP=&&w01018-Rtd=x&&`, { strict: true }), { ok: false, code: 'HJ_ERR_FIELD' });
  const packet = { qn: '20240315121000000', st: '32', cn: '3020', pw: '123456', mn: MN, flag: 5, cp: { 'i11001-Info': '//仪器//' } };
  const gbk = encodeFrame(packet, { encoding: 'gbk' });
  t.match(parseFrame(gbk, { encoding: 'gbk' }), { ok: true, packet });
  const asUtf8 = parseFrame(gbk);
  t.ok(asUtf8.ok && asUtf8.packet.cp['i11001-Info']!.includes('\ufffd'), 'wrong encoding: replacement characters, no throw');
});
