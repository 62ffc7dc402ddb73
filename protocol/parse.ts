/**
 * Frame and data-segment parser (docs/protocol.md §1, §3, §8). Checks run in the corpus order, first failure wins:
 * header → length syntax → too long → trailer/length consistency → CRC → header fields → CP.
 * Lenient (default) turns the non-conformities real collectors show into warnings; strict rejects them.
 */
import { CRC_VARIANTS, crc16Ascii, matchCrcValue, parseCrcHex, readCrcHex } from './crc.js';
import { charCodesOf, type CharCodes } from './char-codes.js';
import { lastPairs, readCpPairs } from './cp-pairs.js';
import { failAt as fail } from './errors.js';
import { checkHeader, isTimedCn, readHeader, readNumbers } from './header.js';
import { lengthPolicyAccepts, type MnCharset } from './quirks.js';
import { asciiText, countChars, decodeText } from './text.js';
import type { CrcVariant, Packet, ParseFail, ParseOk, ParseOptions, ParseResult, Version, Warning } from './types.js';

const HASH = 0x23;
const CR = 0x0d;
const LF = 0x0a;
const SEMI = 0x3b;
/** `##` + 4 digits before the data segment, CRC + CR LF after it (HJ212-2017 6.1). */
const HEAD = 6;
const OVERHEAD = 12;
const STRICT_CRC: readonly CrcVariant[] = ['hj212'];


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
  // ASCII text is scanned in the frame's own bytes; other text as its UTF-16 code units.
  const ascii = sum < 0x10000;
  const text = ascii ? asciiText(frame, HEAD, dataEnd) : decodeText(frame, HEAD, dataEnd, encoding);
  const packet = parseSegment(ascii ? frame : charCodesOf(text), ascii ? HEAD : 0, text, strict, warnings, extendedMn(opts, strict));
  if ('ok' in packet) return { ok: false, code: packet.code, offset: packet.offset + HEAD, message: packet.message };
  const ok: ParseOk = { ok: true, packet, version: segmentVersion, crc, warnings };
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
  const warnings: Warning[] = [];
  const packet = parseSegment(charCodesOf(text), 0, text, opts.strict === true, warnings, extendedMn(opts, opts.strict === true));
  return 'ok' in packet ? packet : { ok: true, packet, version: segmentVersion, warnings };
}

/** Edition of the packet {@link parseSegment} returned last (parsing is synchronous: no result object for it). */
let segmentVersion: Version = '2005';

/**
 * Parses the data segment `text`, scanned in `codes` from `base` (`codes[base + i]` is `text.charCodeAt(i)`): the
 * packet (a Packet has no `ok` field) with its edition in {@link segmentVersion}, or the failure.
 */
function parseSegment(codes: CharCodes, base: number, text: string, strict: boolean, warnings: Warning[], extendedMn: boolean): Packet | ParseFail {
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
  const cpBad = readCpPairs(codes, base, text, cpAt + 5, text.length - 2, strict, warnings);
  if (cpBad !== undefined) return cpBad;
  const cp = lastPairs.map;
  if (isTimedCn(h) && !Object.hasOwn(cp, 'DataTime') && !Object.hasOwn(cp, 'BeginTime')) {
    return fail('HJ_ERR_FIELD', cpAt, `CN ${packet.cn} needs DataTime or BeginTime`);
  }
  packet.cp = cp;
  segmentVersion = version;
  return packet;
}
