/** DataTable's logic: stable sorting with empty values last, and the window of rows rendered for a scroll position. */
import t from 'tap';
import { compareValues, sortRows, windowRange } from '../src/components/table-logic.js';

t.test('sorting: numbers numerically, text with numeric runs, empty last both ways, stable', async (tt) => {
  const rows = [{ v: 10 }, { v: 9 }, { v: undefined }, { v: 100 }, { v: 9 }];
  tt.same(sortRows(rows, (r) => r.v, 'asc').map((r) => r.v), [9, 9, 10, 100, undefined]);
  tt.same(sortRows(rows, (r) => r.v, 'desc').map((r) => r.v), [100, 10, 9, 9, undefined]);
  const nines = sortRows(rows, (r) => r.v, 'asc').filter((r) => r.v === 9);
  tt.equal(nines[0], rows[1], 'equal values keep their order');
  tt.same(sortRows([{ s: 'MN10' }, { s: 'MN9' }, { s: '' }, { s: 'mn1' }], (r) => r.s, 'asc').map((r) => r.s), ['mn1', 'MN9', 'MN10', '']);
  tt.ok(compareValues(true, false) > 0);
  tt.equal(compareValues(null, undefined), 0);
});

t.test('window: the rows in view plus overscan, clamped to the list', async (tt) => {
  tt.same(windowRange(0, 320, 32, 5000, 10), { start: 0, end: 21 });
  tt.same(windowRange(3200, 320, 32, 5000, 10), { start: 90, end: 121 });
  tt.same(windowRange(1e9, 320, 32, 5000, 10), { start: 4989, end: 5000 }, 'scrolled past the end');
  tt.same(windowRange(-50, 320, 32, 3, 10), { start: 0, end: 3 });
  tt.same(windowRange(0, 320, 32, 0), { start: 0, end: 0 });
  const big = windowRange(64_000, 560, 32, 5000);
  tt.ok(big.end - big.start < 50, 'a 5,000-row list renders a few dozen rows');
});
