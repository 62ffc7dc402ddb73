/** LedgerStore, RepullTracker, CheckState and RollupStore conformance, run against the in-memory and the Redis versions. */
import type { CheckState, GapEntry, LedgerStore, MonthlyRow, RepullRequest, RepullTracker, RollupStore } from '../../src/domain/ledgers.js';
import { newAnomaly, newGap, SYSTEM_ACTOR, transition } from '../../src/ledgers/entries.js';
import type { Tap } from '../storage/conformance/tap-types.js';
import { waitFor } from '../helpers/wait.js';
import { HOUR, T0, item } from '../ledgers/fixtures.js';

export interface LedgerFactories {
  ledgers(): Promise<LedgerStore>;
  /** A tracker whose slots expire by real time. */
  tracker(): Promise<RepullTracker>;
  state(): Promise<CheckState>;
  rollups(): Promise<RollupStore>;
}

const cadence = { kind: 'hour' as const, periodMs: HOUR };
const gap = (h: number, over = {}): GapEntry => ({ ...newGap(item(over), cadence, T0 + h * HOUR, T0), ...over });

function ledgerSuite(t: Tap, factory: LedgerFactories['ledgers']): void {
  t.test('ledger: creation is idempotent by id', async (tt) => {
    const store = await factory();
    tt.equal(await store.create(gap(1)), true);
    tt.equal(await store.create({ ...gap(1), state: 'waived' }), false);
    tt.same(await store.get(gap(1).id), gap(1));
    tt.same(await store.getMany([gap(1).id, 'gap:none']), [gap(1), undefined]);
    tt.same(await store.activeGapIds('MN1'), [gap(1).id]);
  });

  t.test('ledger: updates are compare-and-set, bump the version and move the indexes', async (tt) => {
    const store = await factory();
    await store.create(gap(1));
    await store.create(gap(2));
    const updated = await store.update<GapEntry>(gap(1).id, (g) => transition(g, 'filled-by-collector', SYSTEM_ACTOR, T0 + 5));
    tt.equal(updated?.version, 1);
    tt.equal(updated?.state, 'filled-by-collector');
    tt.same(await store.activeGapIds('MN1'), [gap(2).id]);
    tt.same((await store.list({ type: 'gap', states: ['filled-by-collector'] })).items.map((g) => g.id), [gap(1).id]);
    tt.same((await store.list({ type: 'gap', states: ['open'] })).items.map((g) => g.id), [gap(2).id]);
    tt.equal(await store.update(gap(2).id, () => undefined), undefined, 'no change, no write');
    tt.equal((await store.get(gap(2).id))?.version, 0);
    tt.equal(await store.update('gap:none', (g) => g), undefined);
    // Concurrent appends all land: none overwrites another.
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.update<GapEntry>(gap(2).id, (g) => ({ ...g, history: [...g.history, { at: i, by: SYSTEM_ACTOR, from: 'x', to: 'x' }] }))));
    const final = await store.get(gap(2).id);
    tt.equal(final?.version, 10);
    tt.equal(final?.history.length, 11);
  });

  t.test('ledger: listing filters, orders by period and pages', async (tt) => {
    const store = await factory();
    for (let h = 0; h < 5; h++) await store.create(gap(h));
    await store.create(gap(2, { mn: 'MN2', enterpriseId: 'ent-2', siteId: 'site-2' }));
    await store.create(newAnomaly(item(), 'hour', { rule: 'flag', periodStart: T0, periodEnd: T0 + HOUR, evidence: { values: { flag: 'D' }, detail: 'd' } }, T0));
    const all = await store.list({ type: 'gap' });
    tt.equal(all.total, 6);
    tt.same(all.items.map((g) => (g.periodStart - T0) / HOUR), [0, 1, 2, 2, 3, 4]);
    tt.equal((await store.list({ type: 'gap', mn: 'MN2' })).total, 1);
    tt.equal((await store.list({ type: 'gap', enterpriseId: 'ent-1' })).total, 5);
    tt.equal((await store.list({ type: 'gap', siteId: 'site-2', factor: 'w01018', kind: 'hour' })).total, 1);
    tt.equal((await store.list({ type: 'gap', kind: 'minute' })).total, 0);
    const window = await store.list({ type: 'gap', mn: 'MN1', from: T0 + HOUR + 1, to: T0 + 3 * HOUR });
    tt.same(window.items.map((g) => (g.periodStart - T0) / HOUR), [1, 2], 'periods overlapping [from, to)');
    const page = await store.list({ type: 'gap', offset: 2, limit: 2 });
    tt.equal(page.total, 6);
    tt.same(page.items.map((g) => (g.periodStart - T0) / HOUR), [2, 2]);
    tt.equal((await store.list({ type: 'anomaly', rule: 'flag' })).total, 1);
    tt.equal((await store.list({ type: 'anomaly', rule: 'constant' })).total, 0);
  });
}

const request = (qn: string): RepullRequest => ({ mn: 'MN1', qn, cn: '2061', kind: 'hour', beginMs: T0, endMs: T0 + HOUR, gapIds: ['g1'], sentAt: T0, state: 'sent' });

function trackerSuite(t: Tap, factory: LedgerFactories['tracker']): void {
  t.test('tracker: one request per collector, a QN once, the slot freed on release or expiry', async (tt) => {
    const tracker = await factory();
    tt.equal(await tracker.begin(request('20240501000000001'), 60_000), true);
    tt.equal(await tracker.holder('MN1'), '20240501000000001');
    tt.equal(await tracker.begin(request('20240501000000002'), 60_000), false, 'busy');
    await tracker.save({ ...request('20240501000000001'), state: 'acknowledged' }, false);
    tt.equal((await tracker.get('MN1', '20240501000000001'))?.state, 'acknowledged');
    tt.equal(await tracker.holder('MN1'), '20240501000000001', 'saving without release keeps the slot');
    await tracker.save({ ...request('20240501000000002'), state: 'failed' }, true);
    tt.equal(await tracker.holder('MN1'), '20240501000000001', 'only the holder releases');
    await tracker.save({ ...request('20240501000000001'), state: 'done' }, true);
    tt.equal(await tracker.holder('MN1'), undefined);
    tt.equal(await tracker.begin(request('20240501000000001'), 60_000), false, 'a QN is never reused');
    tt.equal(await tracker.begin(request('20240501000000003'), 30), true);
    await waitFor(async () => (await tracker.holder('MN1')) === undefined, 'slot expiry', 5_000);
    tt.equal(await tracker.get('MN9', '1'), undefined);
  });
}

function stateSuite(t: Tap, factory: LedgerFactories['state'], rollups: LedgerFactories['rollups']): void {
  t.test('check state: watermarks only move forward; cursors; exclusive leases', async (tt) => {
    const state = await factory();
    tt.equal(await state.watermark('k'), undefined);
    await state.advance('k', 100);
    await state.advance('k', 50);
    tt.equal(await state.watermark('k'), 100);
    await state.setCursor('replies', '1-0');
    tt.equal(await state.cursor('replies'), '1-0');
    tt.equal(await state.lease('replies', 'a', 60_000), true);
    tt.equal(await state.lease('replies', 'b', 60_000), false);
    tt.equal(await state.lease('replies', 'a', 60_000), true, 'renewed by its owner');
    await state.release('replies', 'b');
    tt.equal(await state.lease('replies', 'b', 60_000), false, 'only the owner releases');
    await state.release('replies', 'a');
    tt.equal(await state.lease('replies', 'b', 60_000), true, 'released: another worker takes over at once');
  });

  t.test('rollups: rows per month, replaced per item and kind', async (tt) => {
    const store = await rollups();
    const base: MonthlyRow = {
      month: '2024-05', enterpriseId: 'e', siteId: 's', pointId: 'p', itemId: 'i', mn: 'MN1', factor: 'w01018', kind: 'hour', expected: 1, received: 1, backFilled: 0, coveredByRegistration: 0,
      gaps: { total: 0, open: 0, filled: 0, backFilled: 0, explained: 0, waived: 0, covered: 0 },
      anomalies: { total: 0, unexplained: 0, explained: 0, accepted: 0, rejected: 0, covered: 0 }, uploadRate: 100, publicationRate: 100, computedAt: 1,
    };
    await store.put('2024-05', [base, { ...base, kind: 'day' }]);
    await store.put('2024-05', [{ ...base, received: 0 }]);
    await store.put('2024-05', []);
    const rows = await store.get('2024-05');
    tt.same(rows.map((r) => [r.kind, r.received]), [['day', 1], ['hour', 0]]);
    tt.same(await store.get('2024-06'), []);
  });
}

/** Run every suite against one set of implementations. */
export function ledgerStoresSuite(t: Tap, f: LedgerFactories): void {
  ledgerSuite(t, f.ledgers);
  trackerSuite(t, f.tracker);
  stateSuite(t, f.state, f.rollups);
}
