/** The logic of DataTable without the DOM: sorting and the window of rows to render. Unit-tested in web/test. */

export type SortDir = 'asc' | 'desc';

export type SortValue = string | number | boolean | null | undefined;

const collator = new Intl.Collator(['zh-CN', 'en'], { numeric: true, sensitivity: 'base' });

/** Compare two cell values: empty last, numbers numerically, text by a locale collator with numeric runs. */
export function compareValues(a: SortValue, b: SortValue): number {
  const aEmpty = a === null || a === undefined || a === '';
  const bEmpty = b === null || b === undefined || b === '';
  if (aEmpty || bEmpty) return aEmpty === bEmpty ? 0 : aEmpty ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

/** A sorted copy (stable; empty values stay last in both directions). */
export function sortRows<R>(rows: readonly R[], value: (row: R) => SortValue, dir: SortDir): R[] {
  const indexed = rows.map((row, i) => ({ row, i, v: value(row) }));
  indexed.sort((x, y) => {
    const xEmpty = x.v === null || x.v === undefined || x.v === '';
    const yEmpty = y.v === null || y.v === undefined || y.v === '';
    if (xEmpty || yEmpty) return xEmpty === yEmpty ? x.i - y.i : xEmpty ? 1 : -1;
    const c = compareValues(x.v, y.v);
    return (dir === 'asc' ? c : -c) || x.i - y.i;
  });
  return indexed.map((x) => x.row);
}

/** Rows [start, end) to render for a scroll position, with `overscan` rows either side. */
export function windowRange(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 10): { start: number; end: number } {
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count - 1, first) - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end: Math.max(start, end) };
}
