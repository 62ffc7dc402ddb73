/** Public types of the HJ212 codec. */
import type { HjErrorCode, HjWarningCode } from './errors.js';
import type { LengthPolicy, MnCharset } from './quirks.js';

/** CRC16 flavours seen on the wire. `hj212` is the standard one (HJ212-2017 Appendix A). */
export type CrcVariant = 'hj212' | 'modbus' | 'modbus-swapped';

/** Protocol edition, from the Flag version bits (HJ212-2017 6.3.2: V = Flag >> 2). */
export type Version = '2005' | '2017' | '2025';

/** Text encoding of free-text values (-Info). Length and CRC always count bytes. */
export type TextEncoding = 'utf-8' | 'gbk';

/** Header fields and CP of one data segment. Absent fields are absent (not empty strings). */
export interface Packet {
  qn?: string;
  st?: string;
  cn: string;
  pw?: string;
  mn?: string;
  flag?: number;
  pnum?: number;
  pno?: number;
  /** Every CP key to its verbatim string value, in wire order (`1.230` stays `1.230`). */
  cp: Record<string, string>;
  /** Header fields the standard does not define, verbatim (encoded after PNO, before CP). */
  extra?: Record<string, string>;
}

/** A warning code: a key of `HJ_WARNINGS`. */
export type WarningCode = HjWarningCode;

export interface Warning {
  code: WarningCode;
  message: string;
  /** CP key or header field the warning is about, when there is one. */
  field?: string;
}

export interface ParseOk {
  ok: true;
  packet: Packet;
  version: Version;
  crc: CrcVariant;
  warnings: Warning[];
  /**
   * Length field minus the data segment's byte count, present only when the length policy accepted a length field
   * that disagrees (`HJ_WARN_LENGTH_POLICY`). A gateway that parsed with a wide policy checks it per device.
   */
  lengthOffset?: number;
}

export interface ParseFail {
  ok: false;
  code: HjErrorCode;
  /** Byte offset in the frame where the problem was found. */
  offset: number;
  message: string;
}

export type ParseResult = ParseOk | ParseFail;

export interface ParseOptions {
  /** Strict: only the standard CRC, byte lengths, 14/24-char MNs, numbers in numeric fields. Default false. */
  strict?: boolean;
  /** CRC variants accepted in lenient mode. Default all three. */
  crcVariants?: readonly CrcVariant[];
  /** Maximum data-segment length in bytes. Default 1024 (HJ212-2017 6.1). */
  maxDataLength?: number;
  /** Encoding of text values. Default 'utf-8'. */
  encoding?: TextEncoding;
  /** Lenient only: accept a length field counting characters instead of bytes (with a warning). Default true. */
  allowCharLength?: boolean;
  /**
   * Lenient only: how the length field may disagree with the data segment when the CRC verifies (with
   * `HJ_WARN_LENGTH_POLICY`). Default 'exact'; strict mode is always exact.
   */
  lengthPolicy?: LengthPolicy;
  /** Lenient only: accept a frame ending CRC + CR CR LF (Windows logs), with `HJ_WARN_TRAILER_CRCRLF`. Default true. */
  allowCrCrLf?: boolean;
  /** Lenient only: 'extended' also accepts `_` and `-` in the MN (with `HJ_WARN_MN_CHARSET`). Default 'alnum'. */
  mnCharset?: MnCharset;
}

/** One reading of one factor inside a CP group (HJ212-2017 6.6). Values are verbatim strings. */
export interface FactorReading {
  code: string;
  rtd?: string;
  min?: string;
  avg?: string;
  max?: string;
  zsRtd?: string;
  zsMin?: string;
  zsAvg?: string;
  zsMax?: string;
  cou?: string;
  flag?: string;
  eflag?: string;
  sampleTime?: string;
  info?: string;
  /** SBx-RS equipment running status. */
  rs?: string;
  /** SBx-RT equipment running time in hours. */
  rt?: string;
  /** Any other suffix, verbatim. */
  extra?: Record<string, string>;
  /** False when a numeric suffix holds a non-number (lenient mode keeps it verbatim). */
  valid: boolean;
}

export interface CpData {
  /** DataTime as sent (yyyyMMddHHmmss), if present. */
  dataTime?: string;
  /** DataTime as epoch milliseconds UTC in the given time zone, if present and valid. */
  dataTimeMs?: number;
  /** Keys without a factor prefix other than DataTime (BeginTime, QnRtn, ...). */
  params: Record<string, string>;
  /** Factor readings in wire order. */
  factors: FactorReading[];
}
