import t from 'tap';
import { newDevice, publicDevice, validateMn, withPassword } from '../../src/domain/device-defaults.js';
import { verifyPassword } from '../../src/domain/password.js';

t.test('validateMn: 14 or 24 letters/digits, other lengths only when allowed', async (tt) => {
  tt.equal(validateMn('88888880000001', false), undefined);
  tt.equal(validateMn('010000A8900016F000169DC0', false), undefined);
  tt.match(validateMn('1234567890', false), /14 .* or 24/);
  tt.equal(validateMn('1234567890', true), undefined);
  tt.match(validateMn('8888888000000-', false), /letters and digits/);
  tt.match(validateMn('', true), /letters and digits/);
  tt.match(validateMn('A'.repeat(65), true), /longer than 64/);
});

t.test('validateMn: _ and - only with the extended alphabet, nothing else ever', async (tt) => {
  tt.match(validateMn('JLYP01_AIR01_0001', true), /letters and digits only.*extended/);
  tt.equal(validateMn('JLYP01_AIR01_0001', true, 'extended'), undefined);
  tt.match(validateMn('JLYP01_AIR01_0001', false, 'extended'), /14 .* or 24/, 'the length rule still applies');
  tt.equal(validateMn('33010600000001W0000000-A', false, 'extended'), undefined);
  for (const mn of ['JLYP01 AIR01', 'a\r\nb', 'a"b', "a'b", 'a:b', 'a/b', '仪器', '']) {
    tt.match(validateMn(mn, true, 'extended'), /letters, digits, _ and - only/, JSON.stringify(mn));
  }
  const device = newDevice({ mn: 'JLYP01_AIR01_0001', password: 'Strong#1', allowMnLength: true, mnCharset: 'extended', lengthPolicy: 'offset:6' });
  tt.equal(device.mnCharset, 'extended');
  tt.equal(device.profile.lengthPolicy, 'offset:6');
  tt.throws(() => newDevice({ mn: 'JLYP01_AIR01_0001', password: 'x', allowMnLength: true }), RangeError);
});

t.test('newDevice: defaults, hashed password, weak flag', async (tt) => {
  const now = new Date('2024-05-01T08:00:00Z');
  const device = newDevice({ mn: '88888880000001', password: '123456' }, now);
  tt.same(publicDevice(device), {
    mn: '88888880000001',
    weakPassword: true,
    version: undefined,
    enabled: true,
    allowMnLength: false,
    mnCharset: 'alnum',
    profile: { crcVariants: ['hj212', 'modbus', 'modbus-swapped'], allowCharLength: true, encoding: 'utf-8', timeZone: 'Asia/Shanghai', maxDataLength: 1024, lengthPolicy: 'exact' },
    createdAt: '2024-05-01T08:00:00.000Z',
    updatedAt: '2024-05-01T08:00:00.000Z',
  });
  tt.equal(verifyPassword(device, '123456'), true);
  tt.notOk('passwordHash' in publicDevice(device));
  tt.throws(() => newDevice({ mn: 'short', password: 'x' }), RangeError);
});

t.test('newDevice: options override the profile; withPassword re-hashes', async (tt) => {
  const device = newDevice({ mn: 'LEGACY1', password: 'Strong#1', allowMnLength: true, version: '2005', crcVariants: ['modbus'], encoding: 'gbk', timeZone: 'UTC', maxDataLength: 2048 });
  tt.same(device.profile, { crcVariants: ['modbus'], allowCharLength: true, encoding: 'gbk', timeZone: 'UTC', maxDataLength: 2048, lengthPolicy: 'exact' });
  tt.equal(device.weakPassword, false);
  const changed = withPassword(device, '000000', new Date('2030-01-01T00:00:00Z'));
  tt.equal(changed.weakPassword, true);
  tt.equal(verifyPassword(changed, '000000'), true);
  tt.equal(verifyPassword(changed, 'Strong#1'), false);
  tt.equal(changed.updatedAt, '2030-01-01T00:00:00.000Z');
  tt.equal(changed.createdAt, device.createdAt);
});
