/**
 * Back-dated history through the real gateway and worker (issue 12): after the first scan has moved the watermark
 * on, a collector uploads a day older than the look-back with hours missing; the late readings' own check jobs find
 * those gaps, which the watermark alone would never look at again.
 */
import t from 'tap';
import type { GapEntry } from '../../src/domain/ledgers.js';
import { checkJobId } from '../../src/queue/jobs.js';
import { connectCollector } from '../helpers/collector.js';
import { HOUR, entriesOf, hoursOf, startHarness, uploadHours } from './worker-harness.js';

const MN = 'W0000000000000000000LAT1';
const D12 = Date.parse('2024-05-12T00:00:00+08:00');
const D10 = Date.parse('2024-05-10T00:00:00+08:00');
const range = (n: number): number[] => [...Array(n).keys()];
const hourId = (ms: number): string => checkJobId({ mn: MN, kind: 'hour', hourMs: ms });

t.test('late readings older than the look-back check their own periods', async (t) => {
  const h = await startHarness(D12 + 24 * HOUR + 30 * 60_000);
  t.teardown(() => h.close());
  await h.addCollector(MN, { startAt: '2024-05-01T00:00:00+08:00' });
  const c = await connectCollector(h.gw.port);
  t.teardown(() => c.close());
  // 2024-05-12 is uploaded, then the worker starts with a one-day look-back: its first scan looks at that day only.
  const today = range(24).map((x) => ({ ms: D12 + x * HOUR, avg: String(40 + (x % 7)) }));
  await uploadHours(c, MN, today);
  await h.startWorker({ initialLookbackMs: 24 * HOUR });
  await h.checksDone(today.map((r) => hourId(r.ms)));
  t.same(await entriesOf(h.ledgers, 'gap', MN), [], 'the scanned day is complete');

  // 2024-05-10 arrives now, two days behind the watermark, without hours 4-6 and 20.
  const late = range(24)
    .filter((x) => ![4, 5, 6, 20].includes(x))
    .map((x) => ({ ms: D10 + x * HOUR, avg: String(40 + (x % 7)) }));
  await uploadHours(c, MN, late);
  await h.checksDone(late.map((r) => hourId(r.ms)));
  const gaps = (await entriesOf(h.ledgers, 'gap', MN)) as GapEntry[];
  t.same(hoursOf(gaps, D10), [4, 5, 6, 20], 'found by the checks of the readings after them');
  t.ok(gaps.every((g) => g.state === 'open' || g.state === 'repull-requested'));
});
