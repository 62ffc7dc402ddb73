/**
 * Opaque pagination cursors for readings: the key of the last reading of a page, bound to the query it came from (a digest of the filter), so a cursor pasted into another query is refused instead of skipping data.
 */
import { createHash } from 'node:crypto';
import type { Reading, ReadingFilter, ReadingPosition } from '../domain/readings.js';
import { AppError } from '../errors.js';

/** Cursor body: time, MN, factor, ST of the last reading and the query digest. Short keys keep URLs short. */
interface CursorBody {
  t: number;
  m: string;
  f: string;
  s: string;
  q: string;
}

function digestOf(filter: ReadingFilter): string {
  const key = JSON.stringify([filter.kind, [...filter.mns].sort(), [...(filter.factors ?? [])].sort(), filter.fromMs, filter.toMs, filter.includeRejected === true]);
  return createHash('sha256').update(key).digest('base64url').slice(0, 12);
}

/** Where the page after `page` starts: after its last reading. */
export function positionAfter(page: readonly Reading[]): ReadingPosition | undefined {
  const last = page[page.length - 1];
  return last && { timeMs: last.timeMs, mn: last.mn, factor: last.factor, st: last.st ?? '' };
}

export function encodeCursor(position: ReadingPosition, filter: ReadingFilter): string {
  const body: CursorBody = { t: position.timeMs, m: position.mn, f: position.factor, s: position.st, q: digestOf(filter) };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** @throws AppError APP_ERR_INVALID_CURSOR when malformed or made for another filter. */
export function decodeCursor(cursor: string, filter: ReadingFilter): ReadingPosition {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw new AppError('APP_ERR_INVALID_CURSOR', 'not a cursor');
  }
  const { t, m, f, s, q } = body ?? {};
  if (!Number.isSafeInteger(t) || typeof m !== 'string' || typeof f !== 'string' || typeof s !== 'string' || typeof q !== 'string') {
    throw new AppError('APP_ERR_INVALID_CURSOR', 'not a cursor');
  }
  if (q !== digestOf(filter)) throw new AppError('APP_ERR_INVALID_CURSOR', 'cursor belongs to another query');
  return { timeMs: t as number, mn: m, factor: f, st: s };
}
