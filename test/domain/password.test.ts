import t from 'tap';
import { hashPassword, isWeakPassword, verifyPassword } from '../../src/domain/password.js';

t.test('hash is salted SHA-256 in hex, different salt per call', async (tt) => {
  const a = hashPassword('123456');
  const b = hashPassword('123456');
  tt.match(a.hash, /^[0-9a-f]{64}$/);
  tt.match(a.salt, /^[0-9a-f]{32}$/);
  tt.not(a.salt, b.salt);
  tt.not(a.hash, b.hash);
  // sha256("00" + "pw"), computed independently: echo -n 00pw | sha256sum
  tt.equal(hashPassword('pw', '00').hash, '8a4fc8e0aa6e1166652c6f5419bbbae451a94a33182dff76fb4c707e8a2943fc');
});

t.test('verify accepts the password and nothing else', async (tt) => {
  const { hash, salt } = hashPassword('Pw-2024!');
  const device = { passwordHash: hash, passwordSalt: salt };
  tt.equal(verifyPassword(device, 'Pw-2024!'), true);
  tt.equal(verifyPassword(device, 'pw-2024!'), false);
  tt.equal(verifyPassword(device, ''), false);
  tt.equal(verifyPassword({ passwordHash: 'abcd', passwordSalt: salt }, 'Pw-2024!'), false, 'corrupt hash length is a mismatch, not a throw');
});

t.test('weak passwords', async (tt) => {
  for (const pw of ['123456', '000000', '111111', '888888', '654321', '12345678', '987654', '234567', 'aaaaaa', 'PASSWORD', '12345', '']) {
    tt.equal(isWeakPassword(pw), true, pw);
  }
  for (const pw of ['135790', 'Xk29#pq', '20240601', '123457', 'hj212-station-7']) {
    tt.equal(isWeakPassword(pw), false, pw);
  }
});
