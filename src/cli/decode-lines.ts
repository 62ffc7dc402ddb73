/**
 * JSON-line shapes of `hj212 decode`: one object per frame or error, fixed key order
 * (id, ok, code, message, offset, discarded, warnings, crc, version, qn, st, cn, pw, mn, flag, pnum, pno, extra, cp).
 */
import {
  createFramer,
  parseFrame,
  type HjErrorCode,
  type LengthPolicy,
  type MnCharset,
  type ParseResult,
  type TextEncoding,
  type Warning,
} from '../../protocol/index.js';

/** Options shared by both decode modes. */
export interface DecodeSettings {
  strict: boolean;
  encoding: TextEncoding;
  maxDataLength: number;
  /** Collector quirks to accept (lenient mode only): see README "Collectors as they really are". */
  lengthPolicy?: LengthPolicy;
  mnCharset?: MnCharset;
}

/** One output line, before JSON.stringify. */
export type DecodeLine = Record<string, unknown>;

function warningsOf(warnings: readonly Warning[]): object[] {
  return warnings.map((w) => (w.field === undefined ? { code: w.code, message: w.message } : { ...w }));
}

/** The line for a parse result; `head` holds leading keys (id, offset). */
export function resultLine(head: DecodeLine, r: ParseResult): DecodeLine {
  if (!r.ok) return { ...head, ok: false, code: r.code, message: r.message, warnings: [] };
  const p = r.packet;
  const line: DecodeLine = { ...head, ok: true, warnings: warningsOf(r.warnings), crc: r.crc, version: r.version };
  for (const key of ['qn', 'st', 'cn', 'pw', 'mn', 'flag', 'pnum', 'pno', 'extra'] as const) {
    if (p[key] !== undefined) line[key] = p[key];
  }
  line.cp = p.cp;
  return line;
}

/** The line for a framer error (a bad candidate frame) or an input problem. */
export function errorLine(head: DecodeLine, code: HjErrorCode | 'CLI_ERR_INPUT', message: string): DecodeLine {
  return { ...head, ok: false, code, message, warnings: [] };
}

/**
 * A framer wired to emit lines: each frame is parsed with the settings; each bad candidate becomes an error line.
 * `head(offset)` gives the leading keys of each line.
 */
export function lineFramer(settings: DecodeSettings, head: (offset: number) => DecodeLine, emit: (line: DecodeLine) => void) {
  const { strict, encoding, maxDataLength, lengthPolicy, mnCharset } = settings;
  const parseOpts = { strict, encoding, maxDataLength, lengthPolicy, mnCharset };
  return createFramer({
    maxDataLength,
    // Strict mode takes the length field as a byte count only (docs/protocol.md §1, corpus strict_expect).
    allowCharLength: !strict,
    encoding,
    // CR CR LF frames are cut in both modes: the parser warns (lenient) or says HJ_ERR_TRAILER (strict).
    lengthPolicy: strict ? 'exact' : lengthPolicy,
    onFrame: (frame, meta) => emit(resultLine(head(meta.offset), parseFrame(frame, parseOpts))),
    onError: (e) => emit(errorLine(head(e.offset), e.code, e.message)),
  });
}

const ENCODINGS: readonly string[] = ['utf-8', 'gbk'];

/** 'utf-8' | 'gbk' (also 'utf8', any case), or undefined. */
export function toEncoding(value: unknown): TextEncoding | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase() === 'utf8' ? 'utf-8' : value.toLowerCase();
  return ENCODINGS.includes(v) ? (v as TextEncoding) : undefined;
}

/**
 * Decodes one corpus-style JSON line (`frame` or `frame_base64`, optional `id` and `encoding`) as a complete input:
 * an unfinished frame at its end is an error. Returns at least one line, each echoing `id`.
 */
export function decodeJsonLine(text: string, settings: DecodeSettings): DecodeLine[] {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch (err) {
    return [errorLine({ id: null }, 'CLI_ERR_INPUT', `not JSON: ${(err as Error).message}`)];
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return [errorLine({ id: null }, 'CLI_ERR_INPUT', 'a line must be a JSON object')];
  }
  const e = entry as Record<string, unknown>;
  const id = e.id ?? null;
  const encoding = e.encoding === undefined ? settings.encoding : toEncoding(e.encoding);
  if (encoding === undefined) return [errorLine({ id }, 'CLI_ERR_INPUT', `unknown encoding ${String(e.encoding)}`)];
  let bytes: Uint8Array;
  if (typeof e.frame_base64 === 'string') bytes = Buffer.from(e.frame_base64, 'base64');
  else if (typeof e.frame === 'string') bytes = Buffer.from(e.frame, 'utf8');
  else return [errorLine({ id }, 'CLI_ERR_INPUT', 'needs a "frame" or "frame_base64" string')];
  const lines: DecodeLine[] = [];
  const framer = lineFramer({ ...settings, encoding }, () => ({ id }), (line) => lines.push(line));
  framer.push(bytes);
  framer.end();
  if (lines.length === 0) lines.push(errorLine({ id }, 'HJ_ERR_HEADER', 'no frame header (##) in the input'));
  if (framer.discarded > 0) for (const line of lines) line.discarded = framer.discarded;
  return lines;
}
