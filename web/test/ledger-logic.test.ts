/** Logic of the ledger screens: actions by state, filters as queries, offset paging, request bodies, CSV link. */
import t from 'tap';
import { localInputToIso } from '../src/format.js';
import {
  backfillBodyOf,
  canExplain,
  canReview,
  ledgerCsvHref,
  ledgerFilterFromQuery,
  ledgerQuery,
  monthRange,
  nextOffsetOf,
  NO_LEDGER_FILTER,
  offsetOf,
  previousMonth,
  registrationBodyOf,
  reviewBody,
  showRate,
  stateTone,
} from '../src/screens/ledger-logic.js';

t.test('actions follow the entry state (src/ledgers/explain-review.ts)', async (tt) => {
  tt.ok(canExplain('gap', 'open'));
  tt.ok(canExplain('gap', 'repull-requested'));
  tt.notOk(canExplain('gap', 'explained'));
  tt.notOk(canExplain('gap', 'rejected'), 'a rejected gap is open again, never "rejected"');
  tt.ok(canExplain('anomaly', 'rejected'));
  tt.notOk(canExplain('backfill', 'submitted'));
  tt.ok(canReview('gap', 'explained'));
  tt.ok(canReview('anomaly', 'explained'));
  tt.ok(canReview('backfill', 'submitted'));
  tt.ok(canReview('registration', 'pending'));
  tt.notOk(canReview('registration', 'accepted'));
  tt.notOk(canReview('gap', 'open'));
  tt.equal(stateTone('waived'), 'ok');
  tt.equal(stateTone('pending'), 'warn');
  tt.equal(stateTone('open'), 'bad');
  tt.equal(stateTone('something-new'), 'neutral');
  tt.same(reviewBody('rejected', '  no evidence  '), { decision: 'rejected', comment: 'no evidence' });
});

t.test('a month is the period filter [first of the month, first of the next)', async (tt) => {
  const r = monthRange('2024-12');
  tt.ok(r);
  tt.equal(Date.parse(r!.from), new Date(2024, 11, 1).getTime());
  tt.equal(Date.parse(r!.to), new Date(2025, 0, 1).getTime(), 'December rolls into the next year');
  tt.match(r!.from, /^2024-12-01T00:00:00[+-]\d{2}:\d{2}$/);
  tt.equal(monthRange('2024-13'), undefined);
  tt.equal(monthRange(''), undefined);
  tt.equal(previousMonth('2024-01'), '2023-12');
  tt.equal(previousMonth('2024-10'), '2024-09');
});

t.test('filters become the listing query; empty ones are left out', async (tt) => {
  tt.same(ledgerQuery(NO_LEDGER_FILTER, 0, 50), { state: undefined, enterpriseId: undefined, mn: undefined, rule: undefined, from: undefined, to: undefined, offset: undefined, limit: 50 });
  const q = ledgerQuery({ state: 'open', enterpriseId: 'e1', mn: ' M1 ', month: '2024-05', rule: 'constant' }, 100, 50);
  tt.equal(q.mn, 'M1');
  tt.equal(q.offset, 100);
  tt.equal(q.state, 'open');
  tt.equal(q.rule, 'constant');
  tt.equal(q.from, monthRange('2024-05')!.from);
  tt.same(ledgerFilterFromQuery({ state: 'open', month: '2024-05', mn: 'M' }), { ...NO_LEDGER_FILTER, state: 'open', month: '2024-05', mn: 'M' });
  tt.equal(ledgerFilterFromQuery({ month: 'May' }).month, '', 'a malformed month is dropped');
});

t.test('offset paging through the cursor pager', async (tt) => {
  tt.equal(nextOffsetOf({ offset: 0, limit: 50, total: 120, items: new Array(50) }), '50');
  tt.equal(nextOffsetOf({ offset: 100, limit: 50, total: 120, items: new Array(20) }), undefined, 'last page');
  tt.equal(nextOffsetOf({ offset: 0, limit: 50, total: 10, items: [] }), undefined, 'an empty page never loops');
  tt.equal(nextOffsetOf(undefined), undefined);
  tt.equal(offsetOf(undefined), 0);
  tt.equal(offsetOf('50'), 50);
  tt.equal(offsetOf('junk'), 0);
});

t.test('back-fill body: several factors, empty rows and values dropped, non-numbers named', async (tt) => {
  const { body, invalid } = backfillBodyOf({
    mn: ' M1 ',
    kind: 'hour',
    periodStart: '2024-05-01T08:00',
    factors: [
      { factor: 'a34013', values: { avg: '12.5', min: '', max: '20' } },
      { factor: '', values: { avg: '1' } },
      { factor: 'w01018', values: { avg: 'abc', cou: '3' } },
    ],
    reason: ' collector was down ',
  });
  tt.same(body, {
    mn: 'M1',
    kind: 'hour',
    periodStart: localInputToIso('2024-05-01T08:00'),
    factors: [
      { factor: 'a34013', values: { avg: 12.5, max: 20 } },
      { factor: 'w01018', values: { cou: 3 } },
    ],
    reason: 'collector was down',
  });
  tt.same(invalid, ['factors.2.values.avg'], 'the field name of the row as typed');
  tt.notOk('periodStart' in backfillBodyOf({ mn: 'M', kind: '', periodStart: '', factors: [], reason: '' }).body, 'no period: the API names the field');
});

t.test('registration body: point and factor only when chosen', async (tt) => {
  const base = { siteId: 's1', pointId: '', factor: 'a34013', periodStart: '2024-05-01T00:00', periodEnd: '2024-05-02T00:00', reason: 'maintenance', reasonText: ' ' };
  tt.same(Object.keys(registrationBodyOf(base)).sort(), ['periodEnd', 'periodStart', 'reason', 'siteId'], 'a factor without a point is left out');
  tt.same(registrationBodyOf({ ...base, pointId: 'p1', reason: 'other', reasonText: ' pump ' }), {
    siteId: 's1',
    pointId: 'p1',
    factor: 'a34013',
    periodStart: localInputToIso('2024-05-01T00:00'),
    periodEnd: localInputToIso('2024-05-02T00:00'),
    reason: 'other',
    reasonText: 'pump',
  });
});

t.test('monthly ledger: CSV link and rates', async (tt) => {
  tt.equal(ledgerCsvHref('2024-05', ''), '/monthly-ledger?month=2024-05&format=csv');
  tt.equal(ledgerCsvHref('2024-05', 'e 1'), '/monthly-ledger?month=2024-05&format=csv&enterpriseId=e+1');
  tt.equal(showRate(99.44), '99.4%');
  tt.equal(showRate(100), '100.0%');
  tt.equal(showRate(NaN), '');
});
