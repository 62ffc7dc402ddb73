import t from 'tap';
import type { ActorRef } from '../../src/domain/ledgers.js';
import { submitBackfill } from '../../src/ledgers/backfills.js';
import { explain, review } from '../../src/ledgers/explain-review.js';
import { monthlyCsv, rollupMonth } from '../../src/ledgers/monthly-ledger.js';
import { register } from '../../src/ledgers/registrations.js';
import { detectDue } from '../../src/ledgers/gap-detection.js';
import { createMemoryRollupStore } from '../fakes/memory-ledgers.js';
import { HOUR, MINUTE, T0, item, memoryCheckDeps, row } from './fixtures.js';

const who: ActorRef = { tokenId: 't', name: 'n', role: 'enterprise' };

t.test('the monthly row counts periods, ledger states, registration coverage and rates', async (t) => {
  const check = memoryCheckDeps([item()], T0 + 10 * HOUR + 30 * MINUTE);
  // Hours 0..9 are due: 0-3 and 6-9 received (hour 9 flagged D), 4 and 5 missing.
  for (const h of [0, 1, 2, 3, 6, 7, 8]) check.readings.add('MN1', 'hour', row(T0 + h * HOUR, { avg: 50 }));
  check.readings.add('MN1', 'hour', row(T0 + 9 * HOUR, { avg: 50 }, { flag: 'D' }));
  await detectDue(check, 'MN1');
  const sink = { write: async (points: readonly { timeMs: number; fields: Record<string, unknown> }[]) => {
    for (const p of points) check.readings.add('MN1', 'hour', row(p.timeMs, { avg: p.fields.avg as number }, { manual: true, flag: 'S' }));
  } };
  await submitBackfill({ ...check, sink }, { mn: 'MN1', factor: 'w01018', kind: 'hour', periodStart: T0 + 4 * HOUR, values: { avg: 30 }, reason: 'lab' }, who);
  const anomalyId = `anomaly:MN1:w01018:hour:${T0 + 9 * HOUR}:flag`;
  await explain({ ...check, sink }, anomalyId, 'analyser fault, repaired', who);
  const reg = await register(check.ledgers, { enterpriseId: 'ent-1', siteId: 'site-1', periodStart: T0 + 8 * HOUR, periodEnd: T0 + 9 * HOUR, reason: 'production-stopped' }, who, 0);
  await review({ ...check, sink }, reg.id, 'accepted', 'ok', { ...who, role: 'regulator' });

  const rollups = createMemoryRollupStore();
  const rows = await rollupMonth({ ...check, rollups }, '2024-05');
  t.equal(rows.length, 1);
  const r = rows[0];
  t.match(r, {
    month: '2024-05', siteId: 'site-1', pointId: 'point-1', factor: 'w01018', kind: 'hour',
    expected: 10, received: 8, backFilled: 1, coveredByRegistration: 1,
    gaps: { total: 2, open: 1, filled: 0, backFilled: 1, explained: 0, waived: 0, covered: 0 },
    anomalies: { total: 1, unexplained: 0, explained: 1, accepted: 0, rejected: 0, covered: 0 },
  });
  // 9 periods considered (hour 8 is covered): 7 received (hours 0-3, 6, 7, 9); published adds the back-filled hour 4.
  t.equal(r?.uploadRate, 77.8);
  t.equal(r?.publicationRate, 88.9);
  t.same(await rollups.get('2024-05'), rows, 'stored');
  t.same(await rollupMonth({ ...check, rollups }, '2024-05'), rows, 'recomputing gives the same rows');
  t.same(await rollupMonth({ ...check, rollups }, '2024-04'), [], 'the item did not exist in April');

  const csv = monthlyCsv(rows);
  const [header, line, end] = csv.split('\r\n');
  t.match(header, /^month,enterpriseId,siteId,pointId,itemId,mn,factor,kind,expected,received,backFilled,coveredByRegistration,gaps\.total,/);
  t.match(line, /^2024-05,ent-1,site-1,point-1,item-cod,MN1,w01018,hour,10,8,1,1,2,1,0,1,0,0,0,1,0,1,0,0,0,77\.8,88\.9$/);
  t.equal(end, '');
  t.match(monthlyCsv([{ ...rows[0]!, siteId: 'a,"b"' }]), /,"a,""b""",/, 'cells are quoted per RFC 4180');
});
