/** Reading whole registry listings page by page (`{ items, nextCursor }`), bounded so a runaway list cannot hang a tab. */
import { ApiError, type Api, type QueryValue } from './api.js';
import type { ListPage } from './api-types.js';

/**
 * Every item of a listing, `pageSize` at a time (default 1000), at most `max` items (default 20,000). A server whose
 * page maximum (HJ212_API_PAGE_MAX) is below `pageSize` refuses that limit; the listing is then read with the
 * server's default page size. `onPage` sees the items read so far after each page (a long list can be shown while
 * the rest arrives).
 */
export async function fetchAll<T>(
  api: Pick<Api, 'get'>,
  path: string,
  query: Record<string, QueryValue> = {},
  options: { pageSize?: number; max?: number; onPage?: (soFar: readonly T[], total: number) => void } = {},
): Promise<T[]> {
  let pageSize: number | undefined = options.pageSize ?? 1000;
  const max = options.max ?? 20_000;
  const items: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    let page: ListPage<T>;
    try {
      page = await api.get<ListPage<T>>(path, { ...query, limit: pageSize, cursor });
    } catch (err) {
      if (pageSize !== undefined && err instanceof ApiError && err.status === 400 && 'limit' in err.fieldErrors) {
        pageSize = undefined;
        continue;
      }
      throw err;
    }
    items.push(...page.items);
    cursor = page.nextCursor;
    options.onPage?.(items.slice(0, max), page.total);
    if (cursor === undefined || items.length >= max) break;
  }
  return items.slice(0, max);
}
