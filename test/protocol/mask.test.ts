import t from 'tap';
import { encodeFrame, maskPassword, maskPasswordBytes } from '../../protocol/index.js';

t.test('maskPassword hides header and set-password values', async (t) => {
  const frame = Buffer.from(encodeFrame({ qn: '20240315103000123', st: '32', cn: '2061', pw: '654321', mn: '33010600000001W00000001A', flag: 5, cp: { DataTime: '20240315100000' } })).toString('latin1');
  const masked = maskPassword(frame);
  t.notMatch(masked, /654321/);
  t.match(masked, /;PW=\*\*\*;MN=/);
  t.equal(maskPassword('QN=1;pw=abc;MN=x'), 'QN=1;pw=***;MN=x', 'any letter case');
  t.equal(maskPassword('CP=&&NewPW=secret&&'), 'CP=&&NewPW=***&&', 'CN 1072 new password');
  t.equal(maskPassword('PW=last'), 'PW=***', 'at the start and up to the end');
  t.equal(maskPassword('QN=1;CN=2011;MN=x'), 'QN=1;CN=2011;MN=x', 'text without a password unchanged');
  t.equal(maskPassword('a01PW=1;w01018-Rtd=2'), 'a01PW=1;w01018-Rtd=2', 'a key merely ending in PW after a letter or digit is not a password');
});

t.test('maskPasswordBytes masks exactly what maskPassword masks in the same bytes read as latin1', async (t) => {
  const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');
  const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
  const plain = bytes('QN=1;CN=2011;MN=x');
  t.equal(maskPasswordBytes(plain), plain, 'no password: the same bytes, not a copy');
  t.equal(text(maskPasswordBytes(bytes('PW=last'))), 'PW=***', 'at the start and up to the end');
  t.equal(text(maskPasswordBytes(bytes('CP=&&NewPW=secret&&'))), 'CP=&&NewPW=***&&', 'CN 1072 new password');
  t.equal(text(maskPasswordBytes(bytes('xNewPW=1;aPW=2;\u00e9pw=3'))), 'xNewPW=1;aPW=2;\u00e9pw=***', 'a letter before the key is no boundary, a byte above 0x7f is');
  // Random strings over the pieces the rules are made of: both versions agree on every one.
  const pieces = ['PW=', 'pw=', 'NewPW=', 'nEwPw=', 'xPW=', 'aNewPW=', ';', ',', '&', '\r', '\n', 'abc', '123', 'P', 'W', '=', 'N', 'e', 'w', '-', ' ', '\u00e9', 'CP=&&', '##'];
  let seed = 7;
  const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  let differ = 0;
  for (let k = 0; k < 20_000; k++) {
    let s = '';
    for (let j = next(12); j > 0; j--) s += pieces[next(pieces.length)];
    if (text(maskPasswordBytes(bytes(s))) !== maskPassword(s)) differ++;
  }
  t.equal(differ, 0, '20,000 random strings masked alike');
});

t.test('bytes with more passwords than the reused cut list holds (here 40) are masked as the text is', async (t) => {
  const text = Array.from({ length: 40 }, (_, i) => `k${i}=1;PW=secret${i};NewPW=other${i}`).join(';');
  const bytes = Buffer.from(text, 'latin1');
  const masked = maskPasswordBytes(bytes);
  t.equal(Buffer.from(masked).toString('latin1'), maskPassword(text));
  t.notOk(Buffer.from(masked).toString('latin1').includes('secret'), 'no value left');
  t.equal(Buffer.from(maskPasswordBytes(bytes)).toString('latin1'), maskPassword(text), 'the grown list serves the next call too');
});
