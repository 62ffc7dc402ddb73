/**
 * Best-effort header of a frame the parser rejected (bad CRC, bad MN...), only to address the 9011 rejection
 * (HJ212-2017 6.4: QnRtn 9 = CRC error) and to record the MN. Fields are read at `;`-delimited positions,
 * never by substring search inside values.
 */
import type { Packet } from '../../protocol/index.js';

const HEADER_KEYS = new Set(['QN', 'ST', 'CN', 'PW', 'MN', 'Flag']);

export function peekHeader(frame: Uint8Array): Packet | undefined {
  const text = Buffer.from(frame.buffer, frame.byteOffset, Math.min(frame.length, 200)).toString('latin1');
  if (!text.startsWith('##')) return undefined;
  const out: Record<string, string> = {};
  let i = 6;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    const semi = text.indexOf(';', i);
    if (eq < 0 || semi < 0 || eq > semi) break;
    const key = text.slice(i, eq);
    if (!HEADER_KEYS.has(key)) break;
    out[key] = text.slice(eq + 1, semi);
    i = semi + 1;
  }
  if (!out.CN && !out.MN) return undefined;
  const flag = out.Flag !== undefined && /^\d{1,3}$/.test(out.Flag) ? Number(out.Flag) : undefined;
  return { qn: out.QN, st: out.ST, cn: out.CN ?? '', pw: out.PW, mn: out.MN, flag, cp: {} };
}
