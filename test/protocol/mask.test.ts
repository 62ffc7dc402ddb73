import t from 'tap';
import { encodeFrame, maskPassword } from '../../protocol/index.js';

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
