import type { ParseFail } from './types.js';

/** Protocol error codes. Order of checks (docs/protocol.md §8): header, length syntax, too long, trailer, CRC, header fields, CP. */
export const HJ_ERRORS = {
  HJ_ERR_HEADER: 'frame does not start with ##',
  HJ_ERR_LENGTH: 'length field is not 4 digits or does not match the data segment',
  HJ_ERR_TOO_LONG: 'data segment longer than the maximum',
  HJ_ERR_TRAILER: 'no CR LF right after the CRC',
  HJ_ERR_CRC: 'CRC matches no accepted variant',
  HJ_ERR_CP_SYNTAX: 'CP is not CP=&&...&& or holds a pair without =',
  HJ_ERR_FIELD: 'duplicate or missing field, or a non-number in a numeric field',
  HJ_ERR_QN: 'QN is not a 17-digit date-time',
  HJ_ERR_MN: 'MN missing, not alphanumeric (or of the extended alphabet when allowed), or of a length not allowed',
} as const;

export type HjErrorCode = keyof typeof HJ_ERRORS;

/**
 * Warning codes: non-conformities real collectors show, reported on an ok result in lenient mode (docs/protocol.md §1, §3, §5).
 * Strict mode turns those about CRC variant, lengths, trailer, MN length and alphabet and numbers into errors.
 */
export const HJ_WARNINGS = {
  HJ_WARN_CRC_VARIANT: 'the CRC is the Modbus or byte-swapped Modbus variant',
  HJ_WARN_CRC_LOWERCASE: 'the CRC is written in lower-case hex',
  HJ_WARN_LENGTH_CHARS: 'the length field counts characters instead of bytes',
  HJ_WARN_LENGTH_POLICY: 'the length field disagrees with the data segment; accepted by the length policy',
  HJ_WARN_TRAILER_CRCRLF: 'the frame ends with CR CR LF (a capture logged on Windows)',
  HJ_WARN_NO_QN: 'no QN',
  HJ_WARN_NO_FLAG: 'no Flag: read as 2005',
  HJ_WARN_MN_LENGTH: 'MN not 14/24 characters, or longer than 24',
  HJ_WARN_MN_CHARSET: 'MN holds _ or - (accepted with the extended MN alphabet)',
  HJ_WARN_NOT_NUMBER: 'a numeric field holds a non-number (kept verbatim, reading invalid)',
  HJ_WARN_UNKNOWN_ST: 'ST missing or not in the system-code table',
  HJ_WARN_UNKNOWN_CN: "CN not defined by the frame's edition",
  HJ_WARN_UNKNOWN_VERSION: 'Flag version bits beyond 2025: read as 2025',
} as const;

export type HjWarningCode = keyof typeof HJ_WARNINGS;

/** A parse failure: the code, where it was found, and its message (the code's text, then the detail). */
export function failAt(code: HjErrorCode, offset: number, detail?: string): ParseFail {
  return { ok: false, code, offset, message: detail === undefined ? HJ_ERRORS[code] : `${HJ_ERRORS[code]}: ${detail}` };
}
