/**
 * The reference corpus (fixtures/corpus/packets.jsonl): entry format and lenient/strict policy
 * are described in fixtures/corpus/README.md and docs/protocol.md §8. `expect` is the lenient verdict, `strict_expect` (when present) the strict
 * one; `decoded` holds lower-case header keys and the flat CP of valid entries; stream entries carry `frames` and
 * `discarded`. Bytes under test: base64 of `frame_base64` if present, else `frame` as UTF-8.
 */
import { readFileSync } from 'node:fs';
import type { CrcVariant, TextEncoding, Version } from '../../protocol/index.js';

export interface CorpusEntry {
  id: string;
  frame: string;
  frame_base64?: string;
  encoding?: TextEncoding;
  expect: string;
  strict_expect?: string;
  crc_variant: CrcVariant;
  version: Version;
  decoded?: Record<string, unknown>;
  stream?: boolean;
  frames?: number;
  discarded?: number;
  decoded_all?: Record<string, unknown>[];
  note: string;
}

/** Repository root, from dist/test/protocol/ or test/protocol/. */
export const ROOT = new URL('../../../', import.meta.url);

export const CORPUS_PATH = new URL('fixtures/corpus/packets.jsonl', ROOT);

export const CORPUS: readonly CorpusEntry[] = readFileSync(CORPUS_PATH, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as CorpusEntry);

export function bytesOf(e: CorpusEntry): Uint8Array {
  return e.frame_base64 === undefined ? Buffer.from(e.frame, 'utf8') : Buffer.from(e.frame_base64, 'base64');
}

export function encodingOf(e: CorpusEntry): TextEncoding {
  return e.encoding ?? 'utf-8';
}

/** The verdict expected in a mode. */
export function expected(e: CorpusEntry, strict: boolean): string {
  return strict ? (e.strict_expect ?? e.expect) : e.expect;
}

/** Valid single frames (lenient ok, not a stream entry). */
export const VALID: readonly CorpusEntry[] = CORPUS.filter((e) => e.expect === 'ok' && e.stream !== true);
