import t from 'tap';
import { contiguousRuns, monthOf, monthRange, periodStartOf, periodStarts, previousMonth } from '../../src/ledgers/periods.js';
import { DAY, HOUR, MINUTE, T0, TZ } from './fixtures.js';

t.test('periods are aligned on local midnight', async (t) => {
  t.equal(periodStartOf(T0 + 90 * MINUTE, HOUR, TZ), T0 + HOUR);
  // A local day starts at 16:00 UTC the day before in UTC+8, not at UTC midnight.
  t.equal(periodStartOf(T0 + 23 * HOUR, DAY, TZ), T0);
  t.equal(new Date(periodStartOf(T0 + 23 * HOUR, DAY, TZ)).toISOString(), '2024-04-30T16:00:00.000Z');
  t.equal(periodStartOf(T0 + 7 * MINUTE + 10_000, 5 * MINUTE, TZ), T0 + 5 * MINUTE);
  // 03:00 +08:00 is 00:30 +05:30, in the Kolkata hour that started at 02:30 +08:00.
  t.equal(periodStartOf(T0 + 3 * HOUR, HOUR, 'Asia/Kolkata'), T0 + 2.5 * HOUR);
});

t.test('periodStarts lists the starts inside [from, to)', async (t) => {
  t.same(periodStarts(T0, T0 + 3 * HOUR, HOUR, TZ), [T0, T0 + HOUR, T0 + 2 * HOUR]);
  t.same(periodStarts(T0 + 1, T0 + 2 * HOUR, HOUR, TZ), [T0 + HOUR]);
  t.same(periodStarts(T0, T0, HOUR, TZ), []);
});

t.test('months in the local zone', async (t) => {
  t.equal(monthOf(T0, TZ), '2024-05');
  t.equal(monthOf(T0 - 1, TZ), '2024-04');
  t.same(monthRange('2024-05', TZ), { startMs: T0, endMs: Date.parse('2024-06-01T00:00:00+08:00') });
  t.same(monthRange('2024-12', TZ).endMs, Date.parse('2025-01-01T00:00:00+08:00'));
  t.throws(() => monthRange('2024-5', TZ), RangeError);
  t.equal(previousMonth('2024-01'), '2023-12');
  t.equal(previousMonth('2024-11'), '2024-10');
});

t.test('contiguousRuns groups consecutive periods and caps their length', async (t) => {
  const starts = [5, 0, 1, 2, 3, 7, 8].map((h) => T0 + h * HOUR);
  t.same(contiguousRuns(starts, HOUR, 24), [
    [T0, T0 + 3 * HOUR],
    [T0 + 5 * HOUR, T0 + 5 * HOUR],
    [T0 + 7 * HOUR, T0 + 8 * HOUR],
  ]);
  t.same(contiguousRuns(starts.slice(1, 5), HOUR, 2), [
    [T0, T0 + HOUR],
    [T0 + 2 * HOUR, T0 + 3 * HOUR],
  ]);
  t.same(contiguousRuns([T0, T0], HOUR, 24), [[T0, T0]], 'duplicates collapse');
});
