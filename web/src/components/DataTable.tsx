/**
 * A table with column definitions, client-side sorting, keyboard navigation (arrow keys move between rows, Enter
 * activates one) and windowed rendering for long lists (only the rows in view are in the DOM, so 5,000 collectors
 * render at once). Test hooks: `data-table="<name>"` on the table, `data-row="<key>"` on each row.
 */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n/use-t.js';
import { sortRows, windowRange, type SortDir, type SortValue } from './table-logic.js';

export interface Column<R> {
  /** Stable id (also `data-col`). */
  id: string;
  /** Header text (already translated). */
  header: string;
  /** Cell content; defaults to the sort value. */
  render?: (row: R) => ComponentChildren;
  /** Value to sort by; the column is not sortable without it. */
  value?: (row: R) => SortValue;
  /** Right-aligned numbers. */
  numeric?: boolean;
  width?: string;
}

export interface DataTableProps<R> {
  name: string;
  columns: readonly Column<R>[];
  rows: readonly R[];
  rowKey: (row: R) => string;
  /** Enter or double click on a row (a single click too with `clickToActivate`). */
  onActivate?: (row: R) => void;
  clickToActivate?: boolean;
  /** Initial sort. */
  sort?: { column: string; dir: SortDir };
  /** Lists longer than this render only the rows in view (default 200). */
  windowAbove?: number;
  /** Height of the scroll area when windowed, in px (default 560). */
  height?: number;
  caption?: string;
  empty?: ComponentChildren;
}

const ROW_HEIGHT = 32;

export function DataTable<R>(props: DataTableProps<R>) {
  const t = useT();
  const [sort, setSort] = useState(props.sort);
  const [scrollTop, setScrollTop] = useState(0);
  const [focused, setFocused] = useState(-1);
  const scroller = useRef<HTMLDivElement>(null);
  const sortColumn = props.columns.find((c) => c.id === sort?.column);
  const rows = useMemo(
    () => (sortColumn?.value && sort ? sortRows(props.rows, sortColumn.value, sort.dir) : props.rows),
    // Keyed by the column id: parents rebuild their column list on every render.
    [props.rows, sort?.column, sort?.dir],
  );
  const windowed = rows.length > (props.windowAbove ?? 200);
  const height = props.height ?? 560;
  const { start, end } = windowed ? windowRange(scrollTop, height, ROW_HEIGHT, rows.length) : { start: 0, end: rows.length };

  // Keep the focused row in the DOM and focused when the keyboard moves past the rendered window.
  useLayoutEffect(() => {
    if (focused < 0) return;
    const el = scroller.current?.querySelector<HTMLTableRowElement>(`tr[data-index="${focused}"]`);
    if (el && document.activeElement !== el) el.focus();
  }, [focused, start, end]);

  const moveTo = (index: number) => {
    const i = Math.max(0, Math.min(rows.length - 1, index));
    setFocused(i);
    const box = scroller.current;
    if (windowed && box) {
      const top = i * ROW_HEIGHT;
      if (top < box.scrollTop) box.scrollTop = top;
      else if (top + ROW_HEIGHT > box.scrollTop + height - ROW_HEIGHT) box.scrollTop = top - height + 2 * ROW_HEIGHT;
      setScrollTop(box.scrollTop);
    }
  };

  const onKeyDown = (e: KeyboardEvent, index: number, row: R) => {
    if (e.key === 'ArrowDown') moveTo(index + 1);
    else if (e.key === 'ArrowUp') moveTo(index - 1);
    else if (e.key === 'Home') moveTo(0);
    else if (e.key === 'End') moveTo(rows.length - 1);
    else if (e.key === 'PageDown') moveTo(index + Math.floor(height / ROW_HEIGHT));
    else if (e.key === 'PageUp') moveTo(index - Math.floor(height / ROW_HEIGHT));
    else if (e.key === 'Enter' && props.onActivate) props.onActivate(row);
    else return;
    e.preventDefault();
  };

  const toggleSort = (column: Column<R>) => {
    if (!column.value) return;
    setSort((s) => ({ column: column.id, dir: s?.column === column.id && s.dir === 'asc' ? 'desc' : 'asc' }));
  };

  return (
    <div
      class={windowed ? 'table-scroll windowed' : 'table-scroll'}
      ref={scroller}
      // At most `height`, and no taller than the window leaves below the top bar and filters (1280×720 shows it whole).
      style={windowed ? { height: `min(${height}px, calc(100vh - 220px))`, minHeight: '240px' } : undefined}
      onScroll={windowed ? (e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop) : undefined}
    >
      <table data-table={props.name} aria-rowcount={rows.length + 1}>
        {props.caption && <caption>{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((c) => {
              const dir = sort?.column === c.id ? sort.dir : undefined;
              return (
                <th key={c.id} data-col={c.id} class={c.numeric ? 'num' : undefined} style={c.width ? { width: c.width } : undefined} aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined}>
                  {c.value ? (
                    <button type="button" class="sort" data-action="sort" onClick={() => toggleSort(c)} title={dir === 'asc' ? t('table.sortDesc') : t('table.sortAsc')}>
                      {c.header}
                      <span aria-hidden="true">{dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ''}</span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {start > 0 && <tr class="spacer" aria-hidden="true" style={{ height: `${start * ROW_HEIGHT}px` }} />}
          {rows.slice(start, end).map((row, offset) => {
            const index = start + offset;
            return (
              <tr
                key={props.rowKey(row)}
                data-row={props.rowKey(row)}
                data-index={index}
                aria-rowindex={index + 2}
                tabIndex={index === Math.max(0, focused) || (focused < 0 && index === start) ? 0 : -1}
                class={props.onActivate ? 'activatable' : undefined}
                onFocus={() => setFocused(index)}
                onKeyDown={(e) => onKeyDown(e, index, row)}
                onDblClick={props.onActivate && !props.clickToActivate ? () => props.onActivate!(row) : undefined}
                onClick={props.onActivate && props.clickToActivate ? () => props.onActivate!(row) : undefined}
              >
                {props.columns.map((c) => (
                  <td key={c.id} class={c.numeric ? 'num' : undefined}>
                    {c.render ? c.render(row) : String(c.value?.(row) ?? '')}
                  </td>
                ))}
              </tr>
            );
          })}
          {windowed && end < rows.length && <tr class="spacer" aria-hidden="true" style={{ height: `${(rows.length - end) * ROW_HEIGHT}px` }} />}
        </tbody>
      </table>
      {rows.length === 0 && <p class="empty">{props.empty ?? t('empty')}</p>}
    </div>
  );
}
