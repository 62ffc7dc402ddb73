/**
 * Per-frame admission after parsing: MN known and enabled, the device's compatibility profile, password
 * (HJ212-2017 6.3.1: PW in every frame; QnRtn 3 = password error, 4 = MN error, 9 = CRC error).
 */
import type { ParseOk } from '../../protocol/index.js';
import type { Device } from '../domain/device.js';
import { quirkRejection } from '../domain/device-quirks.js';
import { acceptsPassword } from '../domain/password.js';
import { QN_RTN_FOR } from './replies.js';

export type Admission =
  | { ok: true; device: Device }
  | { ok: false; verdict: string; qnRtn: string; device?: Device; unknownMn?: boolean };

/**
 * `verified`: the device record and password this connection was last admitted with. The same record object (the
 * registry cache hands out a new one after every change) with the same password needs no second salted hash; that
 * hash was 2.4 % of the gateway's CPU in the ingest benchmark.
 */
export function admit(parsed: ParseOk, device: Device | undefined, verified?: { device?: Device; password?: string }): Admission {
  const { packet } = parsed;
  if (!device) return { ok: false, verdict: 'unknown-mn', qnRtn: QN_RTN_FOR.mn, unknownMn: true };
  if (!device.enabled) return { ok: false, verdict: 'disabled', qnRtn: QN_RTN_FOR.mn, device };
  const profile = device.profile;
  if (!profile.crcVariants.includes(parsed.crc)) return { ok: false, verdict: 'HJ_ERR_CRC', qnRtn: QN_RTN_FOR.crc, device };
  const warned = (code: string): boolean => parsed.warnings.some((w) => w.code === code);
  if (warned('HJ_WARN_LENGTH_CHARS') && !profile.allowCharLength) return { ok: false, verdict: 'HJ_ERR_LENGTH', qnRtn: QN_RTN_FOR.unknown, device };
  if (warned('HJ_WARN_MN_LENGTH') && !device.allowMnLength) return { ok: false, verdict: 'HJ_ERR_MN', qnRtn: QN_RTN_FOR.mn, device };
  const quirk = quirkRejection(parsed, device);
  if (quirk) return { ok: false, verdict: quirk, qnRtn: quirk === 'HJ_ERR_MN' ? QN_RTN_FOR.mn : QN_RTN_FOR.unknown, device };
  const password = packet.pw ?? '';
  const known = verified?.device === device && verified.password === password;
  if (!known && !acceptsPassword(device, password)) return { ok: false, verdict: 'bad-password', qnRtn: QN_RTN_FOR.password, device };
  return { ok: true, device };
}
