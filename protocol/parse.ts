/**
 * Frame and data-segment parser (docs/protocol.md §1, §3, §8). Checks run in the corpus order, first failure wins:
 * header → length syntax → too long → trailer/length consistency → CRC → header fields → CP.
 * Lenient (default) turns the non-conformities real collectors show into warnings; strict rejects them.
 */
import { CRC_VARIANTS, crc16Ascii, matchCrcValue, parseCrcHex, readCrcHex } from './crc.js';
import { TIMED_CNS, isKnownSt, lookupCn, versionOfFlag } from './codes.js';
import { Interner, charCodesOf, type CharCodes } from './char-codes.js';
import { readCpPairs } from './cp-pairs.js';
import { isDataTimeAt } from './data-time.js';
import { HJ_ERRORS, type HjErrorCode } from './errors.js';
import { lengthPolicyAccepts, mnAlphabet, type MnCharset } from './quirks.js';
import { countChars, decodeText } from './text.js';
import type { CrcVariant, Packet, ParseFail, ParseOk, ParseOptions, ParseResult, Version, Warning } from './types.js';

const HASH = 0x23;
const CR = 0x0d;
const LF = 0x0a;
const SEMI = 0x3b;
const EQ = 0x3d;
/** `##` + 4 digits before the data segment, CRC + CR LF after it (HJ212-2017 6.1). */
const HEAD = 6;
const OVERHEAD = 12;
const STRICT_CRC: readonly CrcVariant[] = ['hj212'];

function fail(code: HjErrorCode, offset: number, detail?: string): ParseFail {
  return { ok: false, code, offset, message: detail === undefined ? HJ_ERRORS[code] : `${HJ_ERRORS[code]}: ${detail}` };
}

/** A parsed data segment: the packet, its edition and the warnings found. */
export interface SegmentOk {
  ok: true;
  packet: Packet;
  version: Version;
  warnings: Warning[];
}

/** Result of {@link parseDataSegment}; failure offsets are character offsets in the text. */
export type SegmentResult = SegmentOk | ParseFail;

/**
 * Parses a complete frame (`##` … CR LF, e.g. from the framer) and verifies its length and CRC.
 * Never throws on input. `offset` of a failure is a byte offset for framing/CRC problems and the character offset
 * (plus 6) for text problems, equal to the byte offset for ASCII text.
 */
export function parseFrame(frame: Uint8Array, opts: ParseOptions = {}): ParseResult {
  const strict = opts.strict === true;
  const encoding = opts.encoding ?? 'utf-8';
  const max = opts.maxDataLength ?? 1024;
  const len = frame.length;
  if (len < 2 || frame[0] !== HASH || frame[1] !== HASH) return fail('HJ_ERR_HEADER', 0);
  let n = 0;
  for (let k = 2; k < HEAD; k++) {
    const c = k < len ? frame[k]! : -1;
    if (c < 0x30 || c > 0x39) return fail('HJ_ERR_LENGTH', 2, 'length field is not 4 decimal digits');
    n = n * 10 + c - 0x30;
  }
  // A length policy other than exact may explain a length field over the maximum: the data segment is checked below.
  const policy = strict ? 'exact' : (opts.lengthPolicy ?? 'exact');
  if (n > max && policy === 'exact') return fail('HJ_ERR_TOO_LONG', 2, `${n} > ${max}`);
  const endsCrlf = frame[len - 2] === CR && frame[len - 1] === LF;
  const warnings: Warning[] = [];
  // CRC + CR LF, or CRC + CR CR LF when the frame went through a Windows log (lenient, with a warning).
  let tail = 6;
  if (endsCrlf && len !== n + OVERHEAD && len > OVERHEAD && frame[len - 3] === CR) {
    if (strict || opts.allowCrCrLf === false) return fail('HJ_ERR_TRAILER', len - 3, 'CR CR LF after the CRC');
    tail = 7;
    warnings.push({ code: 'HJ_WARN_TRAILER_CRCRLF', message: 'frame ends with CR CR LF' });
  }
  const crcAt = len - tail;
  let dataEnd = HEAD + n;
  let lengthOffset: number | undefined;
  if (!strict && endsCrlf && crcAt !== dataEnd && crcAt >= HEAD) {
    // Lenient: a length counting characters instead of bytes (docs/protocol.md §1), or one the length policy explains.
    const offset = n - (crcAt - HEAD);
    let explained = true;
    if ((opts.allowCharLength ?? true) && countChars(frame, HEAD, crcAt, encoding) === n) {
      warnings.push({ code: 'HJ_WARN_LENGTH_CHARS', message: `length field ${n} counts characters, not bytes` });
    } else if (lengthPolicyAccepts(policy, offset) && crcVerifies(frame, crcAt, accepted(opts, strict))) {
      lengthOffset = offset;
      warnings.push({ code: 'HJ_WARN_LENGTH_POLICY', message: `length field ${n}, data segment ${crcAt - HEAD} bytes` });
    } else explained = false;
    if (explained) dataEnd = crcAt;
  }
  if (dataEnd - HEAD > max) return fail('HJ_ERR_TOO_LONG', 2, `${dataEnd - HEAD} bytes > ${max}`);
  if (len !== dataEnd + tail || !endsCrlf) {
    if (len !== dataEnd + tail && endsCrlf && len >= 10) return fail('HJ_ERR_LENGTH', 2, `length field ${n}, frame ${len} bytes`);
    return fail('HJ_ERR_TRAILER', Math.min(dataEnd + 4, len));
  }
  const sent = readCrcHex(frame, dataEnd);
  if (sent < 0) return fail('HJ_ERR_CRC', dataEnd);
  const value = sent & 0xffff;
  const variants = accepted(opts, strict);
  // One pass computes the standard CRC and tells whether the data segment is ASCII.
  const sum = crc16Ascii(frame, HEAD, dataEnd);
  const crc = (sum & 0xffff) === value && variants.includes('hj212') ? 'hj212' : matchCrcValue(frame, HEAD, dataEnd, value, variants);
  if (crc === undefined) return fail('HJ_ERR_CRC', dataEnd);
  if (crc !== 'hj212') warnings.push({ code: 'HJ_WARN_CRC_VARIANT', message: `CRC is the ${crc} variant` });
  if (sent > 0xffff) warnings.push({ code: 'HJ_WARN_CRC_LOWERCASE', message: 'CRC in lower-case hex' });
  const text = decodeText(frame, HEAD, dataEnd, encoding);
  // ASCII text is scanned in the frame's own bytes; other text as its UTF-16 code units.
  const ascii = sum < 0x10000;
  const seg = parseSegment(ascii ? frame : charCodesOf(text), ascii ? HEAD : 0, text, strict, warnings, extendedMn(opts, strict));
  if (!seg.ok) return { ok: false, code: seg.code, offset: seg.offset + HEAD, message: seg.message };
  const ok: ParseOk = { ok: true, packet: seg.packet, version: seg.version, crc, warnings };
  if (lengthOffset !== undefined) ok.lengthOffset = lengthOffset;
  return ok;
}

/** CRC variants accepted: strict mode only the standard one. */
function accepted(opts: ParseOptions, strict: boolean): readonly CrcVariant[] {
  return strict ? STRICT_CRC : (opts.crcVariants ?? CRC_VARIANTS);
}

/** True when the 4 hex digits at `crcAt` are an accepted CRC of `frame[HEAD, crcAt)`. */
function crcVerifies(frame: Uint8Array, crcAt: number, variants: readonly CrcVariant[]): boolean {
  const sent = parseCrcHex(frame, crcAt);
  return sent !== undefined && matchCrcValue(frame, HEAD, crcAt, sent.value, variants) !== undefined;
}

function extendedMn(opts: { strict?: boolean; mnCharset?: MnCharset }, strict: boolean): boolean {
  return !strict && opts.mnCharset === 'extended';
}

/** Parses a data segment as text (`QN=…;…;CP=&&…&&`), the part the CRC covers. */
export function parseDataSegment(text: string, opts: Pick<ParseOptions, 'strict' | 'mnCharset'> = {}): SegmentResult {
  return parseSegment(charCodesOf(text), 0, text, opts.strict === true, [], extendedMn(opts, opts.strict === true));
}

/** Raw header values, in the order the standard writes them (HJ212-2017 6.3.2). */
interface Header {
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
  /** `qn` is a real date-time of 17 digits (HJ212-2017 6.3.2), checked on the codes. */
  qnValid: boolean;
  /** Edition from the Flag ({@link readNumbers}). */
  version: Version;
}

/** MNs repeat in every frame of a device: interned, with their alphabet checked once. */
const mns = new Interner(mnAlphabet);

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
  qnValid: false,
  version: '2005',
};

/**
 * Splits `text[0, end)` (`KEY=value;` …, scanned in `codes` from `base`) into header fields in one pass. The MN is
 * interned: a device's MN is one string for all its frames, and holds no reference to the frame's text.
 */
function readHeader(codes: CharCodes, base: number, text: string, end: number): Header | ParseFail {
  for (let k = 0; k < 8; k++) fields[k] = undefined;
  let qnValid = false;
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
      fields[field] = field === MN ? mns.get(codes, eq + 1, j) : text.slice(eq + 1 - base, j - base);
      if (field === QN) qnValid = j - eq - 1 === 17 && isDataTimeAt(codes, eq + 1, j);
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

/** Flag, PNUM and PNO as numbers, and the edition (HJ212-2017 6.3.2: V = Flag >> 2). */
function readNumbers(h: Header, strict: boolean, warnings: Warning[]): Packet | ParseFail {
  const packet = {} as Packet;
  let version: Version = '2005';
  if (h.qn !== undefined) packet.qn = h.qn;
  if (h.st !== undefined) packet.st = h.st;
  packet.cn = h.cn ?? '';
  if (h.pw !== undefined) packet.pw = h.pw;
  if (h.mn !== undefined) packet.mn = h.mn;
  if (h.flag === undefined) warnings.push({ code: 'HJ_WARN_NO_FLAG', message: 'no Flag: 2005 style', field: 'Flag' });
  else {
    const flag = smallInt(h.flag, 3);
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
function checkHeader(h: Header, version: Version, strict: boolean, warnings: Warning[], extended: boolean): ParseFail | undefined {
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
  if (h.st === undefined || !isKnownSt(h.st)) {
    warnings.push({ code: 'HJ_WARN_UNKNOWN_ST', message: `unknown ST ${h.st ?? '(none)'}`, field: 'ST' });
  }
  if (lookupCn(h.cn, version) === undefined) {
    warnings.push({ code: 'HJ_WARN_UNKNOWN_CN', message: `CN ${h.cn} is not a ${version} command`, field: 'CN' });
  }
  return undefined;
}

/** Parses the data segment `text`, scanned in `codes` from `base` (`codes[base + i]` is `text.charCodeAt(i)`). */
function parseSegment(codes: CharCodes, base: number, text: string, strict: boolean, warnings: Warning[], extendedMn: boolean): SegmentResult {
  // CP is located first: the header is what precedes it (HJ212-2017 6.3.3).
  const cpAt = text.indexOf('CP=&&');
  if (cpAt < 0) return fail('HJ_ERR_CP_SYNTAX', 0, 'no CP=&&');
  if (text.length < cpAt + 7 || !text.endsWith('&&')) return fail('HJ_ERR_CP_SYNTAX', text.length, 'CP not closed by &&');
  let headEnd = cpAt;
  while (headEnd > 0 && text.charCodeAt(headEnd - 1) === SEMI) headEnd--;
  const h = readHeader(codes, base, text, headEnd);
  if ('ok' in h) return h;
  const packet = readNumbers(h, strict, warnings);
  if ('ok' in packet) return packet;
  const version = h.version;
  const bad = checkHeader(h, version, strict, warnings, extendedMn);
  if (bad) return bad;
  const pairs = readCpPairs(codes, base, text, cpAt + 5, text.length - 2, strict, warnings);
  if (!pairs.ok) return pairs;
  const { cp } = pairs;
  if ((TIMED_CNS as readonly string[]).includes(packet.cn) && !Object.hasOwn(cp, 'DataTime') && !Object.hasOwn(cp, 'BeginTime')) {
    return fail('HJ_ERR_FIELD', cpAt, `CN ${packet.cn} needs DataTime or BeginTime`);
  }
  packet.cp = cp;
  return { ok: true, packet, version, warnings };
}
