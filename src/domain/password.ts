/**
 * Device access passwords (HJ212 `PW`). Stored as salted SHA-256, compared in constant time. Collectors send the
 * password in clear in every frame and it is typically six digits, so the hash only keeps a Redis dump from
 * revealing it directly; the real protection is the network path.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Device } from './device.js';

/** Salted SHA-256 of a password, both hex. */
export interface PasswordHash {
  hash: string;
  salt: string;
}

function digest(salt: string, password: string): Buffer {
  return createHash('sha256').update(salt, 'utf8').update(password, 'utf8').digest();
}

/** Hash a password with a fresh 16-byte random salt (or the given one, for tests and re-hashing). */
export function hashPassword(password: string, salt: string = randomBytes(16).toString('hex')): PasswordHash {
  return { hash: digest(salt, password).toString('hex'), salt };
}

/** True when `password` is the device's password; constant time in the password's content. */
export function verifyPassword(device: Pick<Device, 'passwordHash' | 'passwordSalt'>, password: string): boolean {
  const expected = Buffer.from(device.passwordHash, 'hex');
  const actual = digest(device.passwordSalt, password);
  // Both are SHA-256 digests unless the stored record is corrupt; timingSafeEqual throws on a length mismatch.
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Factory defaults and guessable choices seen on collectors in the field. */
const WEAK = new Set(['123456', '654321', '123123', '112233', '12345678', '123456789', '88888888', 'password', 'admin', 'hj212']);

/**
 * True for passwords anyone would try first: the platforms' default 123456 and its cousins, a run of one character
 * (000000, 111111, 888888 ...), ascending or descending digit runs, and anything shorter than six characters.
 */
export function isWeakPassword(password: string): boolean {
  if (password.length < 6 || WEAK.has(password.toLowerCase())) return true;
  if (/^(.)\1*$/.test(password)) return true;
  return isDigitRun(password, 1) || isDigitRun(password, -1);
}

function isDigitRun(s: string, step: 1 | -1): boolean {
  if (!/^\d+$/.test(s)) return false;
  for (let i = 1; i < s.length; i++) {
    if ((s.charCodeAt(i - 1) - 48 + step + 10) % 10 !== s.charCodeAt(i) - 48) return false;
  }
  return true;
}

/**
 * True when `password` opens the device: its password, or the one a set-password command is installing while that
 * change is pending (HJ212-2017 6.5 CN 1072; the collector switches when it executes, before its 9012 arrives).
 */
export function acceptsPassword(device: Device, password: string, now: number = Date.now()): boolean {
  if (verifyPassword(device, password)) return true;
  const pending = device.pendingPassword;
  return pending !== undefined && pending.until > now && verifyPassword({ passwordHash: pending.hash, passwordSalt: pending.salt }, password);
}
