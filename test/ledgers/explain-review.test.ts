import t from 'tap';
import { LedgerError, type ActorRef, type AnomalyEntry, type BackfillEntry, type GapEntry, type RegistrationEntry } from '../../src/domain/ledgers.js';
import { submitBackfill, type BackfillDeps } from '../../src/ledgers/backfills.js';
import { explain, review } from '../../src/ledgers/explain-review.js';
import { register } from '../../src/ledgers/registrations.js';
import { detectDue, runCheck } from '../../src/ledgers/gap-detection.js';
import { createMemorySink } from '../fakes/memory-sink.js';
import { HOUR, MINUTE, T0, item, memoryCheckDeps, row } from './fixtures.js';

const enterprise: ActorRef = { tokenId: 'tok-e', name: 'plant operator', role: 'enterprise' };
const regulator: ActorRef = { tokenId: 'tok-r', name: 'inspector', role: 'regulator' };

async function setup() {
  const check = memoryCheckDeps([item()], T0 + 8 * HOUR + 30 * MINUTE);
  for (const h of [0, 1, 2, 5, 6]) check.readings.add('MN1', 'hour', row(T0 + h * HOUR, { avg: 50 }));
  check.readings.add('MN1', 'hour', row(T0 + 6 * HOUR, { avg: 150 }));
  await detectDue(check, 'MN1');
  const sink = createMemorySink();
  const deps: BackfillDeps = { ledgers: check.ledgers, readings: check.readings, sink, items: check.items, clock: check.clock };
  return { check, sink, deps };
}

const gapId = (h: number): string => `gap:MN1:w01018:hour:${T0 + h * HOUR}`;
const anomalyId = `anomaly:MN1:w01018:hour:${T0 + 6 * HOUR}:over-standard`;

async function rejects(t: Tap, p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err instanceof LedgerError && err.code === code, `refused with ${code}: ${String(err)}`);
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0];

t.test('an explanation and a review move an anomaly; a rejected one can be explained again', async (t) => {
  const { deps } = await setup();
  t.ok(await deps.ledgers.get(anomalyId), 'the over-limit hour is an anomaly');
  const explained = await explain(deps, anomalyId, '仪表漂移，已校准 (instrument drift, recalibrated)', enterprise);
  t.equal(explained.state, 'explained');
  t.same(explained.explanation?.by, enterprise);
  const rejected = await review(deps, anomalyId, 'rejected', 'calibration record missing', regulator);
  t.equal(rejected.entry.state, 'rejected');
  await explain(deps, anomalyId, 'calibration record attached', enterprise);
  const accepted = await review(deps, anomalyId, 'accepted', 'ok', regulator);
  t.equal(accepted.entry.state, 'accepted');
  const entry = (await deps.ledgers.get(anomalyId)) as AnomalyEntry;
  t.same(entry.history.map((c) => [c.from, c.to, c.by.name]), [
    ['', 'open', 'checks worker'],
    ['open', 'explained', 'plant operator'],
    ['explained', 'rejected', 'inspector'],
    ['rejected', 'explained', 'plant operator'],
    ['explained', 'accepted', 'inspector'],
  ]);
  t.same(entry.review, { decision: 'accepted', comment: 'ok', by: regulator, at: deps.clock.now() });
  await rejects(t, review(deps, anomalyId, 'accepted', 'again', regulator), 'invalid-state');
  await rejects(t, explain(deps, anomalyId, 'again', enterprise), 'invalid-state');
  await rejects(t, explain(deps, 'anomaly:nope', 'x', enterprise), 'not-found');
});

t.test('an explained gap is waived by an accepting review and reopened by a rejecting one', async (t) => {
  const { deps } = await setup();
  await explain(deps, gapId(3), 'power cut', enterprise);
  t.equal((await review(deps, gapId(3), 'accepted', 'fine', regulator)).entry.state, 'waived');
  await explain(deps, gapId(4), 'power cut', enterprise);
  t.equal((await review(deps, gapId(4), 'rejected', 'no proof', regulator)).entry.state, 'open');
  t.same((await deps.ledgers.activeGapIds('MN1')).sort(), [gapId(4), gapId(7)].sort());
});

t.test('a back-fill is stored as a manual point beside collector data, fills the gap, and is reviewed', async (t) => {
  const { deps, sink } = await setup();
  const entry = await submitBackfill(deps, { mn: 'MN1', factor: 'w01018', kind: 'hour', periodStart: T0 + 3 * HOUR, values: { avg: 42.5 }, reason: 'analyser off, lab value' }, enterprise);
  t.equal(entry.state, 'submitted');
  t.equal(entry.gapId, gapId(3));
  t.same(sink.points, [{ measurement: 'hour', tags: { mn: 'MN1', factor: 'w01018', source: 'manual' }, fields: { avg: 42.5, flag: 'S', raw: 'Avg=42.5,Flag=S', rejected: false }, timeMs: T0 + 3 * HOUR }]);
  const gap = (await deps.ledgers.get(gapId(3))) as GapEntry;
  t.equal(gap.state, 'back-filled');
  t.equal(gap.backfillId, entry.id);

  await rejects(t, submitBackfill(deps, { mn: 'MN1', factor: 'w01018', kind: 'hour', periodStart: T0 + 3 * HOUR, values: { avg: 1 }, reason: 'again' }, enterprise), 'conflict');
  await rejects(t, submitBackfill(deps, { mn: 'MN1', factor: 'w01018', kind: 'hour', periodStart: T0 + 2 * HOUR, values: { avg: 1 }, reason: 'over it' }, enterprise), 'conflict');
  await rejects(t, submitBackfill(deps, { mn: 'MN1', factor: 'w01018', kind: 'hour', periodStart: T0 + 4 * HOUR + 1, values: { avg: 1 }, reason: 'x' }, enterprise), 'invalid-input');
  await rejects(t, submitBackfill(deps, { mn: 'MN1', factor: 'w01018', kind: 'hour', periodStart: T0 + 8 * HOUR, values: { avg: 1 }, reason: 'x' }, enterprise), 'invalid-input');
  await rejects(t, submitBackfill(deps, { mn: 'MN1', factor: 'w01018', kind: 'minute', periodStart: T0, values: { avg: 1 }, reason: 'x' }, enterprise), 'invalid-input');
  await rejects(t, submitBackfill(deps, { mn: 'MN1', factor: 'a21026', kind: 'hour', periodStart: T0, values: { avg: 1 }, reason: 'x' }, enterprise), 'not-found');
  t.equal(sink.points.length, 1, 'refused entries write nothing');

  const rejected = await review(deps, entry.id, 'rejected', 'no lab report', regulator);
  t.equal(rejected.entry.state, 'rejected');
  t.same(sink.points.at(-1)?.fields, { avg: 42.5, flag: 'S', raw: 'Avg=42.5,Flag=S', rejected: true }, 'the manual point is marked rejected');
  t.equal((await deps.ledgers.get(gapId(3)))?.state, 'open', 'the gap is open again');

  const again = await submitBackfill(deps, { mn: 'MN1', factor: 'w01018', kind: 'hour', periodStart: T0 + 3 * HOUR, values: { avg: 43 }, reason: 'lab report attached' }, enterprise);
  t.equal(again.state, 'submitted');
  t.equal(again.review, undefined);
  t.equal((await review(deps, again.id, 'accepted', 'ok', regulator)).entry.state, 'accepted');
  t.same(((await deps.ledgers.get(again.id)) as BackfillEntry).history.map((c) => c.to), ['submitted', 'rejected', 'submitted', 'accepted']);
});

t.test('an accepted registration covers the unsettled entries in its scope; a rejected one covers nothing', async (t) => {
  const { deps, check } = await setup();
  await explain(deps, gapId(4), 'maintenance', enterprise);
  await review(deps, gapId(4), 'accepted', 'ok', regulator);
  const reg = await register(deps.ledgers, { enterpriseId: 'ent-1', siteId: 'site-1', pointId: 'point-1', periodStart: T0 + 3 * HOUR, periodEnd: T0 + 7 * HOUR, reason: 'maintenance' }, enterprise, check.clock.now());
  t.equal(reg.state, 'pending');
  await rejects(t, register(deps.ledgers, { enterpriseId: 'ent-1', siteId: 'site-1', pointId: 'point-1', periodStart: T0 + 3 * HOUR, periodEnd: T0 + 7 * HOUR, reason: 'maintenance' }, enterprise, 0), 'conflict');
  await rejects(t, register(deps.ledgers, { enterpriseId: 'ent-1', siteId: 'site-1', periodStart: T0, periodEnd: T0, reason: 'maintenance' }, enterprise, 0), 'invalid-input');
  await rejects(t, register(deps.ledgers, { enterpriseId: 'ent-1', siteId: 'site-1', periodStart: T0, periodEnd: T0 + HOUR, reason: 'other' }, enterprise, 0), 'invalid-input');
  const other = await register(deps.ledgers, { enterpriseId: 'ent-1', siteId: 'site-1', periodStart: T0, periodEnd: T0 + 9 * HOUR, reason: 'other', reasonText: 'test' }, enterprise, 0);
  t.equal((await review(deps, other.id, 'rejected', 'no', regulator)).entry.state, 'rejected');
  t.equal((await deps.ledgers.get(gapId(3)))?.state, 'open', 'a rejected registration covers nothing');

  const approved = await review(deps, reg.id, 'accepted', 'planned maintenance confirmed', regulator);
  t.equal(approved.entry.state, 'accepted');
  t.equal(approved.covered, 2, 'gap 3 and the anomaly of hour 6; the waived gap 4 stays waived; gap 7 is outside');
  const gap3 = (await deps.ledgers.get(gapId(3))) as GapEntry;
  t.equal(gap3.state, 'covered-by-registration');
  t.equal(gap3.registrationId, reg.id);
  t.equal((await deps.ledgers.get(gapId(4)))?.state, 'waived');
  t.equal((await deps.ledgers.get(gapId(7)))?.state, 'open');
  t.equal((await deps.ledgers.get(anomalyId))?.state, 'covered-by-registration');

  // New readings inside the approved period create no anomaly.
  check.readings.add('MN1', 'hour', row(T0 + 5 * HOUR, { avg: 999 }, { flag: 'M' }));
  t.equal((await runCheck(check, { mn: 'MN1', kind: 'hour', hourMs: T0 + 5 * HOUR })).anomaliesCreated, 0);
  t.equal(((await deps.ledgers.get(reg.id)) as RegistrationEntry).review?.comment, 'planned maintenance confirmed');
});
