import t from 'tap';
import type { ReadingRow } from '../../src/domain/ledgers.js';
import { evaluateReading, type RuleInput } from '../../src/ledgers/anomaly-rules.js';
import { DEFAULT_CHECK_SETTINGS } from '../../src/ledgers/check-settings.js';
import { HOUR, MINUTE, T0, item, row } from './fixtures.js';

function input(r: ReadingRow, over: Partial<RuleInput> = {}): RuleInput {
  return { item: item(), kind: 'hour', periodMs: HOUR, row: r, earlier: [], settings: DEFAULT_CHECK_SETTINGS, ...over };
}

const rules = (i: RuleInput): string[] => evaluateReading(i).map((f) => f.rule).sort();

t.test('a normal reading has no findings', async (t) => {
  t.same(rules(input(row(T0, { avg: 50, min: 40, max: 60, cou: 10 }))), []);
});

t.test('over the standard: the converted (Zs) value is compared when sent', async (t) => {
  const [f] = evaluateReading(input(row(T0, { avg: 90, zs_avg: 120 })));
  t.equal(f?.rule, 'over-standard');
  t.same(f?.evidence.values, { zs_avg: 120 });
  t.same(f?.evidence.limits, { upper: 100 });
  t.equal(f?.periodStart, T0);
  t.equal(f?.periodEnd, T0 + HOUR);
  t.same(rules(input(row(T0, { avg: 120, zs_avg: 90 }))), [], 'the measured value over the limit does not count when Zs is within');
  t.same(rules(input(row(T0, { avg: 5 }), { item: item({ standard: { lower: 6, upper: 9 } }) })), ['over-standard'], 'below a lower limit (pH)');
  t.same(rules(input(row(T0, { rtd: 101 }), { kind: 'realtime', periodMs: 30_000 })), ['over-standard'], 'realtime data: Rtd');
});

t.test('outside the analyser range', async (t) => {
  const [f] = evaluateReading(input(row(T0, { avg: 80, max: 600 }), { item: item({ standard: undefined }) }));
  t.equal(f?.rule, 'out-of-range');
  t.same(f?.evidence.values, { max: 600 });
});

t.test('data flags other than N and extended flags', async (t) => {
  for (const flag of ['F', 'M', 'S', 'D', 'C', 'T', 'B']) t.same(rules(input(row(T0, { avg: 1 }, { flag }))), ['flag'], `flag ${flag}`);
  const [f] = evaluateReading(input(row(T0, { avg: 1 }, { flag: 'D' })));
  t.match(f?.evidence.detail, /fault/);
  t.same(rules(input(row(T0, { avg: 1 }, { eflag: 'E3' }))), ['eflag']);
  t.same(rules(input(row(T0, { avg: 1 }, { eflag: 'N' }))), []);
});

t.test('negative and impossible values', async (t) => {
  t.same(rules(input(row(T0, { avg: -1, min: -2, max: 1 }), { item: item({ range: undefined }) })), ['negative']);
  t.same(rules(input(row(T0, { avg: -1, min: -2, max: 1 }), { item: item({ range: undefined, allowNegative: true }) })), [], 'temperatures may be negative');
  t.same(rules(input(row(T0, { avg: 5, min: 6, max: 4 }))), ['impossible']);
  t.same(rules(input(row(T0, { avg: 9, min: 1, max: 4 }))), ['impossible']);
  t.same(rules(input(row(T0, {}, { invalid: true }))), ['impossible']);
});

t.test('constant values over the configured number of consecutive periods', async (t) => {
  const earlier = [0, 1, 2, 3, 4].map((h) => row(T0 + h * HOUR, { avg: 7 }));
  const last = row(T0 + 5 * HOUR, { avg: 7 });
  const [f] = evaluateReading(input(last, { earlier }));
  t.equal(f?.rule, 'constant');
  t.equal(f?.periodStart, T0, 'the entry starts with the run');
  t.equal(f?.periodEnd, T0 + 6 * HOUR);
  t.equal(f?.evidence.periods, 6);
  t.same(rules(input(last, { earlier: earlier.slice(1) })), [], 'five periods are not enough by default');
  t.same(rules(input(last, { earlier: earlier.slice(2), item: item({ constantPeriods: 4 }) })), ['constant'], 'the item may ask for fewer');
  const broken = earlier.filter((r) => r.timeMs !== T0 + 2 * HOUR);
  t.same(rules(input(last, { earlier: broken })), [], 'a missing period breaks the run');
  const changed = earlier.map((r, i) => (i === 3 ? row(r.timeMs, { avg: 8 }) : r));
  t.same(rules(input(last, { earlier: changed })), [], 'a different value breaks the run');
});

t.test('hour average against its minute averages, Cou against the sum of the minute Cou', async (t) => {
  const minutes = Array.from({ length: 60 }, (_, m) => row(T0 + m * MINUTE, { avg: 10, cou: 1 }));
  const sub = { rows: minutes, periodMs: MINUTE };
  t.same(rules(input(row(T0, { avg: 10.2, cou: 60 }), { sub })), [], 'within tolerance');
  const [f] = evaluateReading(input(row(T0, { avg: 20, cou: 60 }), { sub }));
  t.equal(f?.rule, 'hour-vs-minute');
  t.same(f?.evidence.values, { avg: 20, subMean: 10 });
  t.equal(f?.evidence.periods, 60);
  t.same(rules(input(row(T0, { avg: 10, cou: 90 }), { sub })), ['cou-sum']);
  t.same(rules(input(row(T0, { avg: 10, cou: 90 }), { sub: { rows: minutes.slice(1), periodMs: MINUTE } })), [], 'Cou is not compared when a minute is missing');
  t.same(rules(input(row(T0, { avg: 20 }), { sub: { rows: minutes.slice(0, 30), periodMs: MINUTE } })), [], 'averages are not compared below the coverage');
});

t.test('manual back-fills go through the same rules; their flag S alone is no anomaly', async (t) => {
  t.same(rules(input(row(T0, { avg: 1000 }, { manual: true, flag: 'S' }))), ['out-of-range', 'over-standard']);
  t.same(rules(input(row(T0, { avg: 50 }, { manual: true, flag: 'S' }))), []);
  t.same(rules(input(row(T0, { avg: 50 }, { flag: 'S' }))), ['flag'], 'a collector sending S is still reported');
});
