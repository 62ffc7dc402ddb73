import t from 'tap';
import type { AnomalyEntry, GapEntry, RegistrationEntry } from '../../src/domain/ledgers.js';
import { SYSTEM_ACTOR } from '../../src/ledgers/entries.js';
import { detectDue, runCheck, scanCollector } from '../../src/ledgers/gap-detection.js';
import { DAY, HOUR, MINUTE, T0, item, memoryCheckDeps, row, type MemoryCheckDeps } from './fixtures.js';

async function gaps(deps: MemoryCheckDeps): Promise<GapEntry[]> {
  return (await deps.ledgers.list({ type: 'gap', limit: 1000 })).items;
}

function hoursOf(entries: Array<{ periodStart: number }>): number[] {
  return entries.map((e) => (e.periodStart - T0) / HOUR);
}

function withHours(deps: MemoryCheckDeps, hours: number[], values = { avg: 50 }): void {
  for (const h of hours) deps.readings.add('MN1', 'hour', row(T0 + h * HOUR, values));
}

const approved = (fromH: number, toH: number, over: Partial<RegistrationEntry> = {}): RegistrationEntry => ({
  id: `registration:test:${fromH}`,
  type: 'registration',
  version: 0,
  state: 'accepted',
  enterpriseId: 'ent-1',
  siteId: 'site-1',
  periodStart: T0 + fromH * HOUR,
  periodEnd: T0 + toH * HOUR,
  reason: 'production-stopped',
  by: SYSTEM_ACTOR,
  createdAt: T0,
  updatedAt: T0,
  history: [],
  ...over,
});

t.test('a collector that skips hours gets one gap per missing due hour, once', async (t) => {
  const deps = memoryCheckDeps([item()], T0 + 8 * HOUR + 30 * MINUTE);
  withHours(deps, [0, 1, 2, 5, 6]);
  const counts = await detectDue(deps, 'MN1');
  t.equal(counts.gapsCreated, 3);
  const list = await gaps(deps);
  t.same(hoursOf(list), [3, 4, 7], 'hour 8 is not due yet (grace)');
  t.same(list.map((g) => g.id), [3, 4, 7].map((h) => `gap:MN1:w01018:hour:${T0 + h * HOUR}`));
  t.ok(list.every((g) => g.state === 'open' && g.periodEnd === g.periodStart + HOUR && g.enterpriseId === 'ent-1'));
  t.equal((await detectDue(deps, 'MN1')).gapsCreated, 0, 'a second scan creates nothing');
  t.equal((await scanCollector(deps, 'MN1')).gapsCreated, 0);
  t.equal((await gaps(deps)).length, 3);
});

t.test('the watermark moves on: later scans judge only the new due periods', async (t) => {
  const deps = memoryCheckDeps([item()], T0 + 3 * HOUR);
  withHours(deps, [0, 1]);
  await detectDue(deps, 'MN1');
  t.same(hoursOf(await gaps(deps)), [], 'hour 2 is not due at 03:00 (grace)');
  deps.clock.set(T0 + 5 * HOUR + 25 * MINUTE);
  withHours(deps, [3]);
  t.equal((await detectDue(deps, 'MN1')).gapsCreated, 2);
  t.same(hoursOf(await gaps(deps)), [2, 4]);
});

t.test('periods outside the item life, disabled items and items of other collectors are not expected', async (t) => {
  const deps = memoryCheckDeps(
    [item({ startMs: T0 + 2 * HOUR, endMs: T0 + 4 * HOUR }), item({ factor: 'w01001', itemId: 'ph', enabled: false }), item({ mn: 'MN2' })],
    T0 + 8 * HOUR,
  );
  await detectDue(deps, 'MN1');
  t.same(hoursOf(await gaps(deps)), [2, 3]);
});

t.test('an accepted registration suppresses gaps and anomalies in its period', async (t) => {
  const deps = memoryCheckDeps([item()], T0 + 8 * HOUR + 30 * MINUTE);
  withHours(deps, [0, 1, 2, 5, 6]);
  deps.readings.add('MN1', 'hour', row(T0 + 6 * HOUR, { avg: 500 }));
  await deps.ledgers.create(approved(3, 7));
  await deps.ledgers.create(approved(7, 8, { id: 'registration:other-point', pointId: 'point-9' }));
  await detectDue(deps, 'MN1');
  t.same(hoursOf(await gaps(deps)), [7], 'only the hour outside the registration (the other one is for another point)');
  t.equal((await deps.ledgers.list({ type: 'anomaly' })).total, 0, 'the over-limit hour 6 is covered');
  t.equal((await deps.ledgers.list({ type: 'registration', states: ['pending'] })).total, 0);
});

t.test('a check job closes the gaps its readings fill and records anomalies once', async (t) => {
  const deps = memoryCheckDeps([item()], T0 + 8 * HOUR + 30 * MINUTE);
  withHours(deps, [0, 1, 2, 5, 6]);
  await detectDue(deps, 'MN1');
  deps.readings.add('MN1', 'hour', row(T0 + 3 * HOUR, { avg: 150 }, { flag: 'D' }));
  const counts = await runCheck(deps, { mn: 'MN1', kind: 'hour', hourMs: T0 + 3 * HOUR });
  t.same(counts, { gapsCreated: 0, gapsClosed: 1, anomaliesCreated: 2 });
  const gap = await deps.ledgers.get(`gap:MN1:w01018:hour:${T0 + 3 * HOUR}`);
  t.equal(gap?.state, 'filled-by-collector');
  t.same(gap?.history.map((h) => h.to), ['open', 'filled-by-collector']);
  const anomalies = (await deps.ledgers.list({ type: 'anomaly' })).items as AnomalyEntry[];
  t.same(anomalies.map((a) => a.rule).sort(), ['flag', 'over-standard']);
  t.ok(anomalies.every((a) => a.state === 'open' && a.periodStart === T0 + 3 * HOUR));
  t.same(await runCheck(deps, { mn: 'MN1', kind: 'hour', hourMs: T0 + 3 * HOUR }), { gapsCreated: 0, gapsClosed: 0, anomaliesCreated: 0 }, 'a retried job changes nothing');
  t.same(hoursOf(await gaps(deps)), [3, 4, 7]);
});

t.test('a check job for a kind the items do not expect does nothing', async (t) => {
  const deps = memoryCheckDeps([item()], T0 + 8 * HOUR);
  t.same(await runCheck(deps, { mn: 'MN1', kind: 'heartbeat', hourMs: T0 }), { gapsCreated: 0, gapsClosed: 0, anomaliesCreated: 0 });
});

t.test('a constant run is one entry whose evidence grows while it is open', async (t) => {
  const deps = memoryCheckDeps([item({ constantPeriods: 3 })], T0 + 10 * HOUR);
  withHours(deps, [0, 1, 2], { avg: 7 });
  await runCheck(deps, { mn: 'MN1', kind: 'hour', hourMs: T0 + 2 * HOUR });
  withHours(deps, [3], { avg: 7 });
  await runCheck(deps, { mn: 'MN1', kind: 'hour', hourMs: T0 + 3 * HOUR });
  const { items } = await deps.ledgers.list({ type: 'anomaly', rule: 'constant' });
  t.equal(items.length, 1);
  t.equal(items[0]?.periodStart, T0);
  t.equal(items[0]?.periodEnd, T0 + 4 * HOUR);
  t.equal((items[0] as AnomalyEntry).evidence.periods, 4);
});

t.test('scanCollector closes active gaps whose data arrived without a check job', async (t) => {
  const deps = memoryCheckDeps([item()], T0 + 4 * HOUR + 30 * MINUTE);
  withHours(deps, [0, 2]);
  await detectDue(deps, 'MN1');
  t.same(hoursOf(await gaps(deps)), [1, 3]);
  withHours(deps, [1, 3]);
  const counts = await scanCollector(deps, 'MN1');
  t.equal(counts.gapsClosed, 2);
  t.same(await deps.ledgers.activeGapIds('MN1'), []);
});

t.test('late readings older than the look-back check their own periods, after the watermark moved past them', async (t) => {
  // Monitoring since T0; the worker first scans 30 days later with a 7-day look-back, so day 1 is never scanned.
  const deps = memoryCheckDeps([item()], T0 + 30 * DAY + 30 * MINUTE, { initialLookbackMs: 7 * DAY });
  withHours(deps, [...Array(24 * 30).keys()].filter((x) => x >= 23 * 24));
  await detectDue(deps, 'MN1');
  t.same(hoursOf(await gaps(deps)), [], 'the scanned week is complete');
  // Day 1 arrives now (a replay of stored history): hours 4-6 and 20 are missing.
  const day1 = [...Array(24).keys()].filter((x) => ![4, 5, 6, 20].includes(x));
  withHours(deps, day1);
  for (const x of day1) await runCheck(deps, { mn: 'MN1', kind: 'hour', hourMs: T0 + x * HOUR });
  t.same(hoursOf(await gaps(deps)), [4, 5, 6, 20], 'each run found by the check of the reading after it');
  t.same(await runCheck(deps, { mn: 'MN1', kind: 'hour', hourMs: T0 + 7 * HOUR }), { gapsCreated: 0, gapsClosed: 0, anomaliesCreated: 0 }, 'idempotent');
  // A lone reading long after the previous one checks its own periods only, not a whole look-back before it.
  withHours(deps, [24 * 10]);
  await runCheck(deps, { mn: 'MN1', kind: 'hour', hourMs: T0 + 10 * DAY });
  t.same(hoursOf(await gaps(deps)), [4, 5, 6, 20]);
});

t.test('the first scan starts at the validity window (binding / startAt), not a look-back before now', async (t) => {
  const deps = memoryCheckDeps([item({ startMs: T0 + 5 * DAY + 20 * HOUR })], T0 + 6 * DAY + 30 * MINUTE, { initialLookbackMs: 7 * DAY });
  await detectDue(deps, 'MN1');
  t.same(hoursOf(await gaps(deps)), [5 * 24 + 20, 5 * 24 + 21, 5 * 24 + 22, 5 * 24 + 23], 'four hours since the binding, not 7 days');
});

t.test('anomaly rules respect the validity window like gap detection', async (t) => {
  // Valid [T0 + 5h, T0 + 10h): the flagged reading at exactly endAt and a constant run from T0 are outside.
  const deps = memoryCheckDeps([item({ startMs: T0 + 5 * HOUR, endMs: T0 + 10 * HOUR, constantPeriods: 6 })], T0 + 12 * HOUR);
  withHours(deps, [...Array(10).keys()], { avg: 7 });
  deps.readings.add('MN1', 'hour', row(T0 + 10 * HOUR, { avg: 8 }, { flag: 'D' }));
  for (let x = 0; x <= 10; x++) await runCheck(deps, { mn: 'MN1', kind: 'hour', hourMs: T0 + x * HOUR });
  t.same((await deps.ledgers.list({ type: 'anomaly' })).items, [], 'no flag at endAt, no constant run counted before startAt (5 valid periods < 6)');
  const longer = memoryCheckDeps([item({ startMs: T0 + 5 * HOUR, constantPeriods: 6 })], T0 + 12 * HOUR);
  withHours(longer, [...Array(11).keys()], { avg: 7 });
  await runCheck(longer, { mn: 'MN1', kind: 'hour', hourMs: T0 + 10 * HOUR });
  const [constant] = (await longer.ledgers.list({ type: 'anomaly', rule: 'constant' })).items as AnomalyEntry[];
  t.same([constant?.periodStart, constant?.evidence.periods], [T0 + 5 * HOUR, 6], 'the run starts at startAt');
});
