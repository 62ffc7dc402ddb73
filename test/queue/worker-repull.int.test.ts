/**
 * The checks pipeline end to end over TCP: a collector that skips hours gets gap entries; being online, it is asked
 * for the missing range (2061 BeginTime/EndTime) through Redis and the gateway; its 9011, data frames and 9012 close
 * the gaps. Over-limit and flagged hours become anomalies; an explanation and a review move them; an accepted
 * registration suppresses entries.
 */
import t from 'tap';
import type { ActorRef, AnomalyEntry, GapEntry } from '../../src/domain/ledgers.js';
import { checkJobId } from '../../src/queue/jobs.js';
import { explain, review } from '../../src/ledgers/explain-review.js';
import { register } from '../../src/ledgers/registrations.js';
import { connectCollector } from '../helpers/collector.js';
import { waitFor } from '../helpers/wait.js';
import { HOUR, answerHistory, entriesOf, hoursOf, startHarness, uploadHours } from './worker-harness.js';

const D = Date.parse('2024-05-10T00:00:00+08:00');
const enterprise: ActorRef = { tokenId: 'tok-e', name: 'operator', role: 'enterprise' };
const regulator: ActorRef = { tokenId: 'tok-r', name: 'inspector', role: 'regulator' };
const at = (h: number): number => D + h * HOUR;
const checkIds = (mn: string, hours: number[]): string[] => hours.map((h) => checkJobId({ mn, kind: 'hour', hourMs: at(h) }));

t.test('checks pipeline end to end', async (t) => {
  const h = await startHarness(at(8) + 30 * 60_000);
  t.teardown(() => h.close());
  const sink = { write: async () => undefined };
  const actions = { ledgers: h.ledgers, sink, clock: h.clock };

  t.test('skipped hours become gaps; the history re-pull closes them; every attempt is on the ledger', async (t) => {
    const MN = 'W0000000000000000000REP1';
    await h.addCollector(MN, { startAt: new Date(D).toISOString(), standardUpper: 100 });
    const c = await connectCollector(h.gw.port);
    t.teardown(() => c.close());
    await uploadHours(c, MN, [{ ms: at(0) }, { ms: at(1), avg: '150' }, { ms: at(2), flag: 'D' }, { ms: at(5) }, { ms: at(6) }]);
    // The worker starts once the uploads are stored, so its first scan sees them (a scan that runs before data
    // arrives asks the collector for it, which is right but makes the requests depend on timing).
    await h.startWorker();

    const first = await answerHistory(c, MN, () => [{ ms: at(4) }, { ms: at(3) }]);
    t.equal(first.cn, '2061');
    t.same(first.cp, { BeginTime: '20240510030000', EndTime: '20240510040000' }, 'the oldest run of missing hours, local time');
    t.match(first.qn, /^\d{17}$/);
    const second = await answerHistory(c, MN, () => [], '100');
    t.same(second.cp, { BeginTime: '20240510070000', EndTime: '20240510070000' });
    t.not(second.qn, first.qn);

    await waitFor(async () => {
      const gaps = (await entriesOf(h.ledgers, 'gap', MN)) as GapEntry[];
      return gaps.length === 3 && gaps.filter((g) => g.state === 'filled-by-collector').length === 2 && gaps.some((g) => g.attempts.at(-1)?.outcome === 'no-data');
    }, 'gaps 3 and 4 filled, 7 answered with no data');
    const gaps = (await entriesOf(h.ledgers, 'gap', MN)) as GapEntry[];
    t.same(hoursOf(gaps, D), [3, 4, 7], 'one entry per missing hour, no more');
    t.same(
      gaps.map((g) => [g.state, g.attempts.map((a) => [a.qn, a.cn, a.outcome, a.qnRtn, a.exeRtn])]),
      [
        ['filled-by-collector', [[first.qn, '2061', 'done', '1', '1']]],
        ['filled-by-collector', [[first.qn, '2061', 'done', '1', '1']]],
        ['open', [[second.qn, '2061', 'no-data', '1', '100']]],
      ],
    );
    t.same(gaps[0]?.history.map((c) => c.to), ['open', 'repull-requested', 'filled-by-collector']);

    await waitFor(async () => (await entriesOf(h.ledgers, 'anomaly', MN)).length >= 2, 'anomalies');
    const anomalies = (await entriesOf(h.ledgers, 'anomaly', MN)) as AnomalyEntry[];
    t.same(anomalies.map((a) => [(a.periodStart - D) / HOUR, a.rule]), [[1, 'over-standard'], [2, 'flag']]);
    t.same(anomalies[0]?.evidence, { values: { avg: 150 }, limits: { upper: 100 }, detail: 'avg 150 outside the standard limits' });

    const id = anomalies[0]?.id as string;
    await explain(actions, id, '进水水质冲击 (inflow shock load)', enterprise);
    await review(actions, id, 'accepted', 'confirmed by the inflow record', regulator);
    const reviewed = (await h.ledgers.get(id)) as AnomalyEntry;
    t.equal(reviewed.state, 'accepted');
    t.same(reviewed.history.map((c) => [c.to, c.by.name]), [['open', 'checks worker'], ['explained', 'operator'], ['accepted', 'inspector']]);
  });

  t.test('an accepted registration suppresses gaps and anomalies in its period', async (t) => {
    const MN = 'W0000000000000000000REG1';
    await h.addCollector(MN, { startAt: new Date(D).toISOString(), standardUpper: 100 });
    const reg = await register(h.ledgers, { enterpriseId: `ent-${MN}`, siteId: `site-${MN}`, periodStart: at(3), periodEnd: at(7), reason: 'production-stopped' }, enterprise, h.clock.now());
    await review(actions, reg.id, 'accepted', '停产 confirmed', regulator);
    const c = await connectCollector(h.gw.port);
    t.teardown(() => c.close());
    const hours = [0, 1, 2, 6];
    await uploadHours(c, MN, hours.map((x) => ({ ms: at(x), avg: x === 6 ? '500' : '50' })));
    await h.checksDone(checkIds(MN, hours));
    // A scan after an early upload may see a later hour still missing; the next scan closes that gap from the data.
    const stillOpen = (gaps: readonly GapEntry[]): number[] => hoursOf(gaps.filter((g) => g.state === 'open' || g.state === 'repull-requested'), D);
    await waitFor(async () => stillOpen((await entriesOf(h.ledgers, 'gap', MN)) as GapEntry[]).join() === '7', 'only hour 7 missing');
    const gaps = (await entriesOf(h.ledgers, 'gap', MN)) as GapEntry[];
    t.same(stillOpen(gaps), [7], 'hours 3-6 are registered; hour 7 is not');
    t.same(hoursOf(gaps, D).filter((x) => x >= 3 && x <= 6), [], 'no entry at all inside the registration');
    t.same(gaps.filter((g) => hoursOf([g], D)[0] !== 7).map((g) => g.state).filter((s) => s !== 'filled-by-collector'), [], 'any other entry was closed by the data');
    t.same(await entriesOf(h.ledgers, 'anomaly', MN), [], 'the over-limit hour 6 is inside the registration');
  });
});
