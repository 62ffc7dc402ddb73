/**
 * Identity of an uploaded frame for retransmit dedupe (deduper.ts): CN, DataTime, PNO and a 32-bit fingerprint of its CP
 * bytes. A resend with a fresh QN is the same frame (HJ212-2017 6.4: the collector resends after OverTime); two
 * frames of one DataTime with different factors are not.
 */
import { isDigit, type Packet } from '../../protocol/index.js';

export interface Identity {
  /** CN: marks are kept per collector and CN. */
  stream: string;
  /** DataTime as naive epoch ms (no zone: only its order matters), undefined when absent or not a time. */
  mark: number | undefined;
  /** The DataTime text when it is no time ('' when absent); undefined when `mark` is set. */
  time: string | undefined;
  /** PNO, -1 when absent. */
  pno: number;
  /** FNV-1a of the CP bytes. */
  fingerprint: number;
}

const CP_START = Buffer.from('CP=&&', 'latin1');

/** FNV-1a over the CP segment (`CP=&&` to the end of the data segment); the whole frame when it has none. */
function fingerprint(raw: Uint8Array): number {
  const buf = raw instanceof Buffer ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  // A Buffer needle: a string one is encoded again on every call.
  const at = buf.indexOf(CP_START, 6);
  const start = at < 0 ? 0 : at;
  // Data segment ends before the 4-digit CRC and CR LF (HJ212-2017 6.3.1).
  const end = Math.max(start, buf.length - 6);
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  return h >>> 0;
}

/** The number written by the digits of `s` from `a` to `b` (checked to be digits by the caller). */
function digits(s: string, a: number, b: number): number {
  let v = 0;
  for (let i = a; i < b; i++) v = v * 10 + s.charCodeAt(i) - 48;
  return v;
}

/** `yyyyMMddHHmmss[zzz]` (HJ212-2017 6.6.2) as ms on a zone-less time line. */
function markOf(dataTime: string | undefined): number | undefined {
  if (dataTime === undefined || (dataTime.length !== 14 && dataTime.length !== 17)) return undefined;
  // Digits read in place: no regular expression, substring or closure per frame.
  for (let i = 0; i < dataTime.length; i++) if (!isDigit(dataTime.charCodeAt(i))) return undefined;
  const s = dataTime;
  const ms = Date.UTC(digits(s, 0, 4), digits(s, 4, 6) - 1, digits(s, 6, 8), digits(s, 8, 10), digits(s, 10, 12), digits(s, 12, 14)) + (s.length === 17 ? digits(s, 14, 17) : 0);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Numbers and the CN (interned by the decoder): nothing is built per frame that a window of recent frames keeps. */
export function frameIdentity(packet: Packet, raw: Uint8Array): Identity {
  const mark = markOf(packet.cp.DataTime);
  return { stream: packet.cn, mark, time: mark === undefined ? (packet.cp.DataTime ?? '') : undefined, pno: packet.pno ?? -1, fingerprint: fingerprint(raw) };
}

/**
 * The identity as the store keeps it: `<CN>.<DataTime mark, base 36>.<PNO>.<fingerprint, base 36>` (a few dozen
 * bytes, no hex digests). Part of the stored format: keys written by earlier versions must still match.
 */
export function identityKey(id: Identity): string {
  return `${id.stream}.${id.mark === undefined ? id.time : id.mark.toString(36)}.${id.pno < 0 ? '' : id.pno}.${id.fingerprint.toString(36)}`;
}
