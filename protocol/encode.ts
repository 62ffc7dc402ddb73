/**
 * Encoder: packets → byte-exact frames (docs/protocol.md §1: length = bytes of the data segment, CRC upper-case hex), with
 * automatic sub-packet split (HJ212-2017 6.4: Flag D bit, PNUM/PNO, the same QN/CN/DataTime in every part).
 */
import { computeCrc, writeCrcHex } from './crc.js';
import { FLAG_BITS } from './codes.js';
import { setKey } from './own.js';
import { byteLength, encodeText } from './text.js';
import type { CrcVariant, Packet, TextEncoding } from './types.js';

export interface EncodeOptions {
  /** CRC variant to write. Default 'hj212' (the standard's). */
  crc?: CrcVariant;
  /** Encoding of text values. Default 'utf-8'. */
  encoding?: TextEncoding;
}

export interface SplitOptions extends EncodeOptions {
  /** Largest data segment per frame in bytes. Default 1024 (HJ212-2017 6.1). */
  maxDataLength?: number;
}

/** Header fields `QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;[PNUM=…;PNO=…;]` in the standard's order (HJ212-2017 6.3.2). */
function encodeHeader(packet: Packet): string {
  let s = '';
  if (packet.qn !== undefined) s += `QN=${packet.qn};`;
  if (packet.st !== undefined) s += `ST=${packet.st};`;
  s += `CN=${packet.cn};`;
  if (packet.pw !== undefined) s += `PW=${packet.pw};`;
  if (packet.mn !== undefined) s += `MN=${packet.mn};`;
  if (packet.flag !== undefined) s += `Flag=${packet.flag};`;
  if (packet.pnum !== undefined) s += `PNUM=${packet.pnum};`;
  if (packet.pno !== undefined) s += `PNO=${packet.pno};`;
  for (const key of Object.keys(packet.extra ?? {})) s += `${key}=${packet.extra![key]};`;
  return s;
}

/**
 * Group of a CP key: pairs of one factor (`w01018-Rtd`, `w01018-Flag`) share a group and are joined by `,`
 * (HJ212-2017 6.3.3); BeginTime/EndTime form one group as in the standard's history requests; any other top-level
 * key is a group of its own.
 */
function groupOf(key: string): string {
  if (key === 'BeginTime' || key === 'EndTime') return '=time';
  const dash = key.lastIndexOf('-');
  return dash < 0 ? `=${key}` : key.slice(0, dash);
}

/** One CP group: its keys and its text `k=v,k=v`. */
interface Group {
  keys: string[];
  text: string;
}

/** The CP's groups in wire order: consecutive keys of one group are joined by `,`. */
function cpGroups(cp: Readonly<Record<string, string>>): Group[] {
  const groups: Group[] = [];
  let current: Group | undefined;
  let currentId = '';
  for (const key of Object.keys(cp)) {
    const id = groupOf(key);
    const pair = `${key}=${cp[key]}`;
    if (current !== undefined && id === currentId) {
      current.keys.push(key);
      current.text += `,${pair}`;
    } else {
      current = { keys: [key], text: pair };
      currentId = id;
      groups.push(current);
    }
  }
  return groups;
}

/** The CP text between `CP=&&` and `&&` in the canonical grouping. */
export function encodeCp(cp: Readonly<Record<string, string>>): string {
  return cpGroups(cp)
    .map((g) => g.text)
    .join(';');
}

/** The data segment `QN=…;…;CP=&&…&&` of a packet (the text the length and CRC cover). */
export function encodeDataSegment(packet: Packet): string {
  return `${encodeHeader(packet)}CP=&&${encodeCp(packet.cp)}&&`;
}

/** Wraps data-segment bytes into `##` + length + segment + CRC + CR LF. */
function frameSegment(seg: Uint8Array, crc: CrcVariant): Uint8Array {
  // HJ212-2017 6.1: the length field has 4 digits.
  if (seg.length > 9999) throw new RangeError(`data segment of ${seg.length} bytes does not fit a 4-digit length`);
  const out = new Uint8Array(seg.length + 12);
  out[0] = out[1] = 0x23;
  const digits = String(seg.length).padStart(4, '0');
  for (let i = 0; i < 4; i++) out[2 + i] = digits.charCodeAt(i);
  out.set(seg, 6);
  writeCrcHex(computeCrc(crc, seg), out, 6 + seg.length);
  out[seg.length + 10] = 0x0d;
  out[seg.length + 11] = 0x0a;
  return out;
}

/**
 * One frame for the packet, byte-exact: length = bytes of the data segment in `encoding`, CRC (default the
 * standard's) as upper-case hex. Throws a RangeError when the segment exceeds 9999 bytes or holds text the encoding
 * cannot represent (caller errors); use {@link encodeFrames} to respect the 1024-byte limit.
 */
export function encodeFrame(packet: Packet, opts: EncodeOptions = {}): Uint8Array {
  return frameSegment(encodeText(encodeDataSegment(packet), opts.encoding ?? 'utf-8'), opts.crc ?? 'hj212');
}

/** Greedy packing of groups into parts whose CP text fits `budget` bytes; undefined if a group alone does not. */
function pack(groups: readonly { group: Group; bytes: number }[], budget: number): Group[][] | undefined {
  const parts: Group[][] = [];
  let part: Group[] = [];
  let used = 0;
  for (const g of groups) {
    if (g.bytes > budget) return undefined;
    const cost = part.length === 0 ? g.bytes : g.bytes + 1;
    if (used + cost > budget) {
      parts.push(part);
      part = [];
      used = 0;
    }
    used += part.length === 0 ? g.bytes : g.bytes + 1;
    part.push(g.group);
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

function cpOf(groups: readonly Group[], source: Readonly<Record<string, string>>, shared?: string): Record<string, string> {
  const cp: Record<string, string> = {};
  if (shared !== undefined) cp.DataTime = shared;
  for (const g of groups) for (const key of g.keys) setKey(cp, key, source[key]!);
  return cp;
}

/**
 * Frames for the packet, split into sub-packets when its data segment exceeds `maxDataLength` (HJ212-2017 6.4):
 * every part keeps QN/ST/CN/PW/MN and DataTime, sets the Flag D bit and carries PNUM/PNO after Flag; CP groups are
 * never cut. Throws a RangeError when one group alone cannot fit.
 */
export function encodeFrames(packet: Packet, opts: SplitOptions = {}): Uint8Array[] {
  const encoding = opts.encoding ?? 'utf-8';
  const crc = opts.crc ?? 'hj212';
  const max = opts.maxDataLength ?? 1024;
  const whole = encodeText(encodeDataSegment(packet), encoding);
  if (whole.length <= max) return [frameSegment(whole, crc)];
  const shared = packet.cp.DataTime;
  const rest = { ...packet.cp };
  delete rest.DataTime;
  const groups = cpGroups(rest).map((group) => ({ group, bytes: byteLength(group.text, encoding) }));
  const flag = (packet.flag ?? 0) | FLAG_BITS.SPLIT;
  for (let digits = 1; digits <= 4; digits++) {
    // Reserve room for the widest PNUM/PNO of this digit count; retry wider if the parts outnumber it.
    const widest = 10 ** digits - 1;
    const head = byteLength(encodeHeader({ ...packet, flag, pnum: widest, pno: widest }), encoding);
    const fixed = head + 'CP=&&&&'.length + (shared === undefined ? 0 : byteLength(`DataTime=${shared};`, encoding));
    const parts = pack(groups, max - fixed);
    if (parts === undefined || groups.length === 0) break;
    if (parts.length > widest) continue;
    return parts.map((part, i) =>
      encodeFrame({ ...packet, flag, pnum: parts.length, pno: i + 1, cp: cpOf(part, packet.cp, shared) }, { crc, encoding }),
    );
  }
  throw new RangeError(`packet cannot be split into data segments of at most ${max} bytes`);
}
