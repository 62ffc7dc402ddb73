/**
 * Opaque pagination cursors for readings: the position after the last reading of a page, bound to the query it
 * came from (a digest of the filter), so a cursor pasted into another query is refused instead of skipping data.
 */
import { createHash } from 'node:crypto';
import type { ReadingFilter, ReadingPosition } from '../domain/readings.js';
import { AppError } from '../errors.js';

interface CursorBody {
  t: number;
  k: number;
  q: string;
}

function digestOf(filter: ReadingFilter): string {
  const key = JSON.stringify([filter.kind, [...filter.mns].sort(), [...(filter.factors ?? [])].sort(), filter.fromMs, filter.toMs]);
  return createHash('sha256').update(key).digest('base64url').slice(0, 12);
}

/** Cursor for the page after `page`, which ended at `last` (readings ascending by time). */
export function nextPosition(page: ReadonlyArray<{ timeMs: number }>, previous: ReadingPosition | undefined): ReadingPosition | undefined {
  const last = page[page.length - 1];
  if (!last) return undefined;
  let skip = 0;
  for (let i = page.length - 1; i >= 0 && page[i]?.timeMs === last.timeMs; i--) skip++;
  // The whole page sat at the previous cursor's time: those earlier skipped rows count too.
  if (skip === page.length && previous?.timeMs === last.timeMs) skip += previous.skip;
  return { timeMs: last.timeMs, skip };
}

export function encodeCursor(position: ReadingPosition, filter: ReadingFilter): string {
  const body: CursorBody = { t: position.timeMs, k: position.skip, q: digestOf(filter) };
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
  const { t, k, q } = body;
  if (!Number.isSafeInteger(t) || !Number.isSafeInteger(k) || (k as number) < 0 || typeof q !== 'string') throw new AppError('APP_ERR_INVALID_CURSOR', 'not a cursor');
  if (q !== digestOf(filter)) throw new AppError('APP_ERR_INVALID_CURSOR', 'cursor belongs to another query');
  return { timeMs: t as number, skip: k as number };
}
