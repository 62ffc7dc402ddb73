/** Cursor paging of the API's listings (`{ total, limit, items, nextCursor? }`): previous/next over a cursor stack. */
import { useState } from 'preact/hooks';
import { useT } from '../i18n/use-t.js';

/** The cursor stack: `cursor` is the current page's cursor (undefined = first page). */
export function useCursorPager() {
  const [stack, setStack] = useState<(string | undefined)[]>([undefined]);
  const cursor = stack[stack.length - 1];
  return {
    cursor,
    page: stack.length,
    hasPrev: stack.length > 1,
    next: (nextCursor: string) => setStack((s) => [...s, nextCursor]),
    prev: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    reset: () => setStack([undefined]),
  };
}

export interface PagerProps {
  total?: number;
  nextCursor?: string | undefined;
  pager: ReturnType<typeof useCursorPager>;
}

export function Pager({ total, nextCursor, pager }: PagerProps) {
  const t = useT();
  return (
    <nav class="pager" aria-label="pager">
      {total !== undefined && <span class="total">{t('pager.total', { total })}</span>}
      <button type="button" class="secondary" data-action="prev-page" disabled={!pager.hasPrev} onClick={pager.prev}>
        {t('pager.prev')}
      </button>
      <span class="page">{pager.page}</span>
      <button type="button" class="secondary" data-action="next-page" disabled={!nextCursor} onClick={() => nextCursor && pager.next(nextCursor)}>
        {t('pager.next')}
      </button>
    </nav>
  );
}
