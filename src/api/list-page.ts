/**
 * Pagination of registry listings (`/collectors`, `/status`, `/pending-devices`, `/enterprises`, `/sites`,
 * `/sites/:id/points`, `/points/:id/items`, `/tokens`): `limit` (1 to HJ212_API_PAGE_MAX, default 100) and an opaque
 * `cursor` holding the sort key of the previous page's last item, so a page never repeats or skips an item when
 * others are added or removed meanwhile. Answers are `{ total, limit, items, nextCursor? }`, where `total` counts
 * every item matching the filters.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';

export const LIST_DEFAULT_LIMIT = 100;
/** Default of HJ212_API_PAGE_MAX: the largest `limit` a listing accepts. */
export const LIST_MAX_LIMIT = 1000;

/** `q` of a listing: a case-insensitive substring of `what`. */
const qOf = (what: string) => z.string().min(1).max(64).optional().describe(`case-insensitive substring of the ${what}`);

/** `limit`, `cursor` and `q` (of `what`, by default the MN) with the page maximum of this API (HJ212_API_PAGE_MAX). */
export function listPageQuery(pageMax: number, what = 'MN') {
  const byDefault = Math.min(LIST_DEFAULT_LIMIT, pageMax);
  return {
    limit: z.coerce.number().int().min(1).max(pageMax).default(byDefault).describe(`page size, default ${byDefault}, at most ${pageMax} (HJ212_API_PAGE_MAX)`),
    cursor: z.string().min(1).max(400).optional().describe('nextCursor of the previous page'),
    q: qOf(what),
  };
}

/** The same paging for lists of named records (enterprises, sites, points, tokens): `q` matches the name. */
export const namedPageQuery = (pageMax: number) => listPageQuery(pageMax, 'name');

/** `enabled=true|false` of catalog listings. */
export const enabledFilter = z.enum(['true', 'false']).optional().describe('only enabled (true) or disabled (false) records');

/** Ascending creation order (ties by id): the order of catalog listings. */
export const oldestFirst = (x: { createdAt: string; id: string }): string => `${x.createdAt}\u0000${x.id}`;

export const listPageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    total: z.number().int().describe('items matching the filters, over all pages'),
    limit: z.number().int(),
    items: z.array(item),
    nextCursor: z.string().optional().describe('present when more items follow; pass it back as `cursor`'),
  });

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof parsed.k === 'string') return parsed.k;
  } catch {
    // fall through to the typed error
  }
  throw new AppError('APP_ERR_INVALID_CURSOR', 'not a cursor of this listing');
}

/** True when `text` (an MN or a name) contains `q` (case-insensitive); always true without `q`. */
export function matchesQ(text: string, q: string | undefined): boolean {
  return q === undefined || text.toLowerCase().includes(q.toLowerCase());
}

/** One page of `items` in ascending `key` order, starting after the cursor's key. */
export function pageByKey<T>(items: readonly T[], key: (item: T) => string, limit: number, cursor: string | undefined): { total: number; limit: number; items: T[]; nextCursor?: string } {
  const keyed = items.map((item) => ({ item, k: key(item) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const start = after === undefined ? 0 : keyed.findIndex((x) => x.k > after);
  const rest = start < 0 ? [] : keyed.slice(start);
  const page = rest.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rest.length > limit && last ? Buffer.from(JSON.stringify({ k: last.k })).toString('base64url') : undefined;
  return { total: items.length, limit, items: page.map((x) => x.item), ...(nextCursor ? { nextCursor } : {}) };
}
