/**
 * The header of a data segment (HJ212-2017 6.3.2: `QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;[PNUM=…;PNO=…;]` before `CP=`):
 * the fields read in one pass over the character codes, Flag/PNUM/PNO as numbers, and the QN, MN, CN and ST rules
 * (docs/protocol.md §3, §8). Used by parse.ts.
 */
import { TIMED_CNS, isKnownSt, lookupCn, versionOfFlag } from './codes.js';
import { Interner, type CharCodes } from './char-codes.js';
import { isDataTimeAt } from './data-time.js';
import { failAt as fail } from './errors.js';
import { mnAlphabet } from './quirks.js';
import type { Packet, ParseFail, Version, Warning } from './types.js';

const SEMI = 0x3b;
const EQ = 0x3d;

/** Raw header values, in the order the standard writes them (HJ212-2017 6.3.2). */
export interface Header {
  qn: string | undefined;
  st: string | undefined;
  cn: string | undefined;
  pw: string | undefined;
  mn: string | undefined;
  flag: string | undefined;
  pnum: string | undefined;
  pno: string | undefined;
  extra: Record<string, string> | undefined;
  /** {@link mnAlphabet} of `mn`. */
  mnAlphabet: -1 | 0 | 1;
  /** `st` is in the system-code table. */
  stKnown: boolean;
  /** {@link cnTag} of `cn`. */
  cnTag: number;
  /** `flag` as a number of 1..3 digits, or -1. */
  flagValue: number;
  /** `qn` is a real date-time of 17 digits (HJ212-2017 6.3.2), checked on the codes. */
  qnValid: boolean;
  /** Edition from the Flag ({@link readNumbers}). */
  version: Version;
}

/**
 * MNs repeat in every frame of a device: interned, with their alphabet checked once. Room for a gateway's whole fleet
 * (18,000 connections at most by default): a table smaller than the fleet would make most MNs again in every frame.
 * At most 32,768 MNs of up to 64 characters (an MN has 14 or 24): a few MB at worst, under a flood of made-up MNs.
 */
const mns = new Interner(mnAlphabet, 32_768);

/** {@link Header.cnTag} bits: the CN is defined in 2005, 2017, 2025; its CP needs DataTime or BeginTime. */
const CN_2005 = 1;
const CN_2017 = 2;
const CN_2025 = 4;
const CN_TIMED = 8;

function cnTag(cn: string): number {
  const timed = (TIMED_CNS as readonly string[]).includes(cn) ? CN_TIMED : 0;
  return (lookupCn(cn, '2005') ? CN_2005 : 0) | (lookupCn(cn, '2017') ? CN_2017 : 0) | (lookupCn(cn, '2025') ? CN_2025 : 0) | timed;
}

/** True when the CN of a header read by {@link readHeader} needs DataTime or BeginTime in its CP. */
export function isTimedCn(h: Header): boolean {
  return (h.cnTag & CN_TIMED) !== 0;
}

/**
 * ST, CN and Flag repeat too (a device sends the same ones): interned, with their table lookups done once. PW is not:
 * a password is not kept in module state after the frame that carried it.
 */
const sts = new Interner(isKnownSt, 256);
const cns = new Interner(cnTag, 256);
const flags = new Interner((text) => smallInt(text, 3), 256);

/** Index of each standard header field in the scratch array of {@link readHeader}. */
const QN = 0;
const ST = 1;
const CN = 2;
const PW = 3;
const MN = 4;
const FLAG = 5;
const PNUM = 6;
const PNO = 7;
const NONE = -1;

/** Which standard header field `codes[i, eq)` names (an index above, or NONE), compared in place (no slicing). */
function headerField(codes: CharCodes, i: number, eq: number): number {
  const len = eq - i;
  const two = (codes[i]! << 8) | codes[i + 1]!;
  if (len === 2) {
    switch (two) {
      case 0x514e:
        return QN;
      case 0x5354:
        return ST;
      case 0x434e:
        return CN;
      case 0x5057:
        return PW;
      case 0x4d4e:
        return MN;
      default:
        return NONE;
    }
  }
  if (len === 4) {
    if (two === 0x466c && codes[i + 2] === 0x61 && codes[i + 3] === 0x67) return FLAG;
    if (two === 0x504e && codes[i + 2] === 0x55 && codes[i + 3] === 0x4d) return PNUM;
  }
  return len === 3 && two === 0x504e && codes[i + 2] === 0x4f ? PNO : NONE;
}

/** Values of the standard header fields of one parse, by index, and the header read (reused: parsing is synchronous). */
const fields: (string | undefined)[] = new Array<string | undefined>(8).fill(undefined);
const header: Header = {
  qn: undefined,
  st: undefined,
  cn: undefined,
  pw: undefined,
  mn: undefined,
  flag: undefined,
  pnum: undefined,
  pno: undefined,
  extra: undefined,
  mnAlphabet: -1,
  stKnown: false,
  cnTag: 0,
  flagValue: -1,
  qnValid: false,
  version: '2005',
};

/**
 * Splits `text[0, end)` (`KEY=value;` …, scanned in `codes` from `base`) into header fields in one pass. The MN is
 * interned: a device's MN is one string for all its frames, and holds no reference to the frame's text.
 */
export function readHeader(codes: CharCodes, base: number, text: string, end: number): Header | ParseFail {
  for (let k = 0; k < 8; k++) fields[k] = undefined;
  let qnValid = false;
  let stKnown = false;
  let cn = 0;
  let flagValue = -1;
  let extra: Record<string, string> | undefined;
  const last = end + base;
  let p = base;
  while (p < last) {
    let eq = -1;
    let j = p;
    for (; j < last; j++) {
      const c = codes[j];
      if (c === SEMI) break;
      if (c === EQ && eq < 0) eq = j;
    }
    const i = p - base;
    if (eq < 0) return fail('HJ_ERR_FIELD', i, `header field without '=': ${text.slice(i, j - base)}`);
    const field = headerField(codes, p, eq);
    if (field === NONE) {
      const key = text.slice(i, eq - base);
      extra ??= {};
      if (Object.hasOwn(extra, key)) return fail('HJ_ERR_FIELD', i, `duplicate header field ${key}`);
      Object.defineProperty(extra, key, { value: text.slice(eq + 1 - base, j - base), enumerable: true, writable: true, configurable: true });
    } else if (fields[field] !== undefined) return fail('HJ_ERR_FIELD', i, `duplicate header field ${text.slice(i, eq - base)}`);
    else {
      const from = eq + 1;
      switch (field) {
        case QN:
          fields[QN] = text.slice(from - base, j - base);
          qnValid = j - from === 17 && isDataTimeAt(codes, from, j);
          break;
        case ST:
          fields[ST] = sts.get(codes, from, j);
          stKnown = sts.tag;
          break;
        case CN:
          fields[CN] = cns.get(codes, from, j);
          cn = cns.tag;
          break;
        case MN:
          fields[MN] = mns.get(codes, from, j);
          break;
        case FLAG:
          fields[FLAG] = flags.get(codes, from, j);
          flagValue = flags.tag;
          break;
        default:
          fields[field] = text.slice(from - base, j - base);
      }
    }
    p = j + 1;
  }
  const f = fields;
  const h = header;
  h.qn = f[QN];
  h.st = f[ST];
  h.cn = f[CN];
  h.pw = f[PW];
  h.mn = f[MN];
  h.flag = f[FLAG];
  h.pnum = f[PNUM];
  h.pno = f[PNO];
  h.extra = extra;
  h.mnAlphabet = f[MN] === undefined ? -1 : mns.tag;
  h.stKnown = stKnown;
  h.cnTag = cn;
  h.flagValue = flagValue;
  h.qnValid = qnValid;
  h.version = '2005';
  return h;
}

/** An unsigned decimal of 1..`maxDigits` digits, or -1. */
function smallInt(text: string, maxDigits: number): number {
  if (text.length === 0 || text.length > maxDigits) return -1;
  let v = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * `new PacketRecord()` is `{}` built by a constructor: V8 sizes it from the packets it built before, so the header
 * fields and the CP are stored in the object (an object literal has room for 4, then grows a property array).
 */
const PacketRecord = function PacketRecord(): void {} as unknown as new () => Packet;
PacketRecord.prototype = Object.prototype as Packet;

/** Flag, PNUM and PNO as numbers, and the edition (HJ212-2017 6.3.2: V = Flag >> 2). */
export function readNumbers(h: Header, strict: boolean, warnings: Warning[]): Packet | ParseFail {
  const packet = new PacketRecord();
  let version: Version = '2005';
  if (h.qn !== undefined) packet.qn = h.qn;
  if (h.st !== undefined) packet.st = h.st;
  packet.cn = h.cn ?? '';
  if (h.pw !== undefined) packet.pw = h.pw;
  if (h.mn !== undefined) packet.mn = h.mn;
  if (h.flag === undefined) warnings.push({ code: 'HJ_WARN_NO_FLAG', message: 'no Flag: 2005 style', field: 'Flag' });
  else {
    const flag = h.flagValue;
    if (flag < 0 || flag > 255) return fail('HJ_ERR_FIELD', 0, `Flag is not 0..255: ${h.flag}`);
    packet.flag = flag;
    const v = versionOfFlag(flag);
    if (v !== undefined) version = v;
    else if (strict) return fail('HJ_ERR_FIELD', 0, `Flag ${flag}: unknown version bits ${flag >> 2}`);
    else {
      version = '2025';
      warnings.push({ code: 'HJ_WARN_UNKNOWN_VERSION', message: `version bits ${flag >> 2}, read as 2025`, field: 'Flag' });
    }
  }
  if (h.pnum !== undefined) {
    const v = smallInt(h.pnum, 4);
    if (v < 0) return fail('HJ_ERR_FIELD', 0, `PNUM is not a number: ${h.pnum}`);
    packet.pnum = v;
  }
  if (h.pno !== undefined) {
    const v = smallInt(h.pno, 4);
    if (v < 0) return fail('HJ_ERR_FIELD', 0, `PNO is not a number: ${h.pno}`);
    packet.pno = v;
  }
  if (h.extra !== undefined) packet.extra = h.extra;
  h.version = version;
  return packet;
}

/** QN, MN, CN and ST rules (docs/protocol.md §3, §8; corpus README conventions). */
export function checkHeader(h: Header, version: Version, strict: boolean, warnings: Warning[], extended: boolean): ParseFail | undefined {
  if (h.qn === undefined) warnings.push({ code: 'HJ_WARN_NO_QN', message: 'no QN', field: 'QN' });
  else if (!h.qnValid) return fail('HJ_ERR_QN', 0, `QN ${h.qn}`);
  const mn = h.mn;
  const alphabet = h.mnAlphabet;
  if (mn === undefined || alphabet < 0 || (alphabet > 0 && !extended)) return fail('HJ_ERR_MN', 0, mn === undefined ? 'no MN' : `MN ${mn}`);
  if (alphabet > 0) warnings.push({ code: 'HJ_WARN_MN_CHARSET', message: `MN ${mn} holds _ or -`, field: 'MN' });
  // 2005: up to 14 characters (8–14 seen); 2017/2025: 24 (platforms also accept 14).
  if (mn.length > 24 || (version !== '2005' && mn.length !== 14 && mn.length !== 24)) {
    const message = `MN has ${mn.length} characters`;
    if (strict) return fail('HJ_ERR_MN', 0, message);
    warnings.push({ code: 'HJ_WARN_MN_LENGTH', message, field: 'MN' });
  }
  if (h.cn === undefined || h.cn === '') return fail('HJ_ERR_FIELD', 0, 'no CN');
  if (h.st === undefined || !h.stKnown) {
    warnings.push({ code: 'HJ_WARN_UNKNOWN_ST', message: `unknown ST ${h.st ?? '(none)'}`, field: 'ST' });
  }
  if ((h.cnTag & (version === '2005' ? CN_2005 : version === '2017' ? CN_2017 : CN_2025)) === 0) {
    warnings.push({ code: 'HJ_WARN_UNKNOWN_CN', message: `CN ${h.cn} is not a ${version} command`, field: 'CN' });
  }
  return undefined;
}
