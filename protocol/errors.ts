/** Protocol error codes. Order of checks (SPEC 8): header, length syntax, too long, trailer, CRC, header fields, CP. */
export const HJ_ERRORS = {
  HJ_ERR_HEADER: 'frame does not start with ##',
  HJ_ERR_LENGTH: 'length field is not 4 digits or does not match the data segment',
  HJ_ERR_TOO_LONG: 'data segment longer than the maximum',
  HJ_ERR_TRAILER: 'no CR LF right after the CRC',
  HJ_ERR_CRC: 'CRC matches no accepted variant',
  HJ_ERR_CP_SYNTAX: 'CP is not CP=&&...&& or holds a pair without =',
  HJ_ERR_FIELD: 'duplicate or missing field, or a non-number in a numeric field',
  HJ_ERR_QN: 'QN is not a 17-digit date-time',
  HJ_ERR_MN: 'MN missing, not alphanumeric, or of a length not allowed',
} as const;

export type HjErrorCode = keyof typeof HJ_ERRORS;
