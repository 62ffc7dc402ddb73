/**
 * HJ212 (HJ/T 212-2005, HJ 212-2017, HJ 212-2025) codec: stream framer, CRC16 variants, parser, CP reader,
 * encoder and code tables. No runtime dependencies, no I/O. This file is the package's only public surface.
 */
export { CRC_VARIANTS, computeCrc, crc16, crc16Modbus, crcToHex, matchCrc, matchCrcValue, parseCrcHex } from './crc.js';
export type { CrcMatch, CrcText } from './crc.js';
export { createFramer } from './framer.js';
export type { FrameMeta, Framer, FramerError, FramerOptions } from './framer-types.js';
export { parseDataSegment, parseFrame } from './parse.js';
export type { SegmentOk, SegmentResult } from './parse.js';
export { isAlnum, isDigit } from './char-codes.js';
export { isNumber, readCp } from './cp.js';
export type { ReadCpOptions } from './cp.js';
export { parseCpPairs } from './cp-pairs.js';
export type { CpResult } from './cp-pairs.js';
export { maskPassword, maskPasswordBytes } from './mask.js';
export { formatDataTime, formatQn, isDataTime, parseDataTime, zoneOffset } from './data-time.js';
export { encodeCp, encodeDataSegment, encodeFrame, encodeFrames } from './encode.js';
export { encodeDataAck } from './ack.js';
export type { EncodeOptions, SplitOptions } from './encode.js';
export {
  commandRequest,
  cpFromData,
  dataAck,
  execReply,
  getMinIntervalRequest,
  getRtdIntervalRequest,
  getTimeRequest,
  heartbeat,
  historyRequest,
  notifyReply,
  requestReply,
  setMinIntervalRequest,
  setPasswordRequest,
  setRtdIntervalRequest,
  setTimeRequest,
  setTimeoutRequest,
  uploadPacket,
} from './messages.js';
export type { HistoryCn, ReadingInput, Target, UploadData } from './messages.js';
export {
  CN_2005,
  CN_2017,
  CN_2025,
  DATA_FLAGS,
  EXE_RTN,
  FLAG_BITS,
  NUMERIC_SUFFIXES,
  QN_RTN,
  READING_SUFFIXES,
  RUNNING_STATUS,
  ST,
  TIMED_CNS,
  VERSION_FLAG,
  isKnownSt,
  lookupCn,
  versionOfFlag,
} from './codes.js';
export type { DataFlag, ExeRtn, NumericSuffix, QnRtn, ReadingField, StCode } from './codes.js';
export { FACTORS, lookupFactor, toCode2005, toCode2017 } from './factors.js';
export type { Factor } from './factors.js';
export { decodeText, encodeText } from './text.js';
export { MN_CHARSETS, isLengthPolicy, lengthPolicyAccepts, mnAlphabet } from './quirks.js';
export type { LengthPolicy, MnCharset } from './quirks.js';
export { HJ_ERRORS, HJ_WARNINGS } from './errors.js';
export type { HjErrorCode, HjWarningCode } from './errors.js';
export type {
  CpData,
  CrcVariant,
  FactorReading,
  Packet,
  ParseFail,
  ParseOk,
  ParseOptions,
  ParseResult,
  TextEncoding,
  Version,
  Warning,
  WarningCode,
} from './types.js';
