/** Pure parts of the simulator: schedules, values, identities, statistics, scenario validation. */
import t from 'tap';
import { formatDataTime, parseDataTime } from '../../protocol/index.js';
import { createIdentities, generateMn } from '../../src/sim/identity.js';
import { noFaults } from '../../src/sim/faults.js';
import { PROFILES } from '../../src/sim/profiles.js';
import { createSimClock } from '../../src/sim/clock.js';
import { isLoopback, parseScenario } from '../../src/sim/scenario.js';
import { historyStarts, scheduleEvents } from '../../src/sim/schedule.js';
import { LatencyHistogram } from '../../src/sim/stats.js';
import { createValueModel } from '../../src/sim/values.js';

const T0 = parseDataTime('20240101000000')!;
const wall = (ms: number): string => formatDataTime(ms);

t.test('schedule: realtime, minute, hour and day events in order with interval-start DataTimes', async (tt) => {
  const gen = scheduleEvents({ realtimeS: 300, minuteMin: 10, hour: true, day: true }, T0);
  const events = Array.from({ length: 20 }, () => gen.next().value!);
  const at = (cn: string): string[] => events.filter((e) => e.cn === cn).map((e) => `${wall(e.at)}>${wall(e.dataTime)}`);
  tt.same(at('2051').slice(0, 3), ['20240101001000>20240101000000', '20240101002000>20240101001000', '20240101003000>20240101002000']);
  tt.same(at('2061'), ['20240101010000>20240101000000']);
  tt.same(at('2011').slice(0, 2), ['20240101000000>20240101000000', '20240101000500>20240101000500']);
  for (let i = 1; i < events.length; i++) tt.ok(events[i]!.at >= events[i - 1]!.at, 'time order');
  const day = scheduleEvents({ realtimeS: 0, minuteMin: 0, hour: false, day: true }, T0 + 1).next().value!;
  tt.equal(wall(day.at), '20240102000000', 'daily data after local midnight');
  tt.equal(wall(day.dataTime), '20240101000000', 'carrying the day it covers');
  tt.equal(scheduleEvents({ realtimeS: 0, minuteMin: 0, hour: false, day: false }, T0).next().done, true, 'nothing scheduled');
});

t.test('history starts cover BeginTime..EndTime inclusive, aligned', async (tt) => {
  const starts = historyStarts('2061', T0 - 30 * 60_000, T0 + 2 * 3_600_000, 10);
  tt.same(starts.map(wall), ['20240101000000', '20240101010000', '20240101020000']);
  tt.equal(historyStarts('2051', T0, T0 + 86_400_000, 1, 'Asia/Shanghai', 50).length, 50, 'bounded by the limit');
});

t.test('values: deterministic, in range apart from breaches, aggregates consistent', async (tt) => {
  const a = createValueModel('MN1', PROFILES.water, { breachRate: 0, flagRate: 0 });
  const b = createValueModel('MN1', PROFILES.water, { breachRate: 0, flagRate: 0 });
  tt.same(a.realtime(T0), b.realtime(T0), 'same collector, same numbers (history can be regenerated)');
  tt.not(JSON.stringify(createValueModel('MN2', PROFILES.water).realtime(T0)), JSON.stringify(a.realtime(T0)), 'other collector, other numbers');
  for (const spec of PROFILES.water) {
    for (let i = 0; i < 200; i++) {
      const v = a.valueAt(spec, T0 + i * 37_000);
      if (v < spec.min || v > spec.max) tt.fail(`${spec.code} out of range: ${v}`);
    }
  }
  for (const r of a.interval(T0, 3_600_000)) {
    tt.ok(Number(r.min) <= Number(r.avg) && Number(r.avg) <= Number(r.max), `${r.code} min ≤ avg ≤ max`);
    tt.equal(r.flag, 'N');
  }
  const breaching = createValueModel('MN1', PROFILES.water, { breachRate: 1 });
  const cod = PROFILES.water.find((s) => s.code === 'w01018')!;
  tt.ok(breaching.valueAt(cod, T0) > cod.limit!, 'breach rate 1 → above the limit');
  const air = createValueModel('A', PROFILES.air).realtime(T0);
  tt.ok(air.find((r) => r.code === 'a21026')?.zsRtd, 'flue gas concentrations carry ZsRtd');
  const flagged = createValueModel('MN1', PROFILES.water, { flagRate: 1 }).realtime(T0);
  tt.ok(flagged.every((r) => r.flag !== 'N'), 'flag rate 1 → non-normal flags');
});

t.test('identities: MN length per edition, per-collector faults by fraction', async (tt) => {
  tt.equal(generateMn('SIM', 7, 24), 'SIM000000000000000000007');
  tt.throws(() => generateMn('TOOLONGPREFIX', 12, 14), RangeError);
  const base = { count: 100, profile: 'water' as const, password: '123456', mnPrefix: 'SIM', skewS: 60, seed: 3 };
  tt.ok(createIdentities({ ...base, version: '2005', faults: noFaults() }).every((i) => i.mn.length === 14 && i.crc === 'hj212'));
  const faulty = createIdentities({ ...base, version: '2017', faults: { ...noFaults(), legacyMn: 1, crcVariant: 0.5, clockSkew: 1 } });
  tt.ok(faulty.every((i) => i.mn.length === 10 && i.legacyMn));
  const variants = faulty.filter((i) => i.crc !== 'hj212').length;
  tt.ok(variants > 25 && variants < 75, `about half use a CRC variant (${variants})`);
  tt.ok(faulty.every((i) => Math.abs(i.skewMs) <= 60_000) && faulty.some((i) => i.skewMs !== 0));
  tt.equal(new Set(faulty.map((i) => i.mn)).size, 100, 'MNs are unique');
});

t.test('clock: simulated time restarts at the start when the schedules begin (a connect ramp is no backlog)', async (tt) => {
  const realNow = Date.now;
  let wall = 1_700_000_000_000;
  Date.now = () => wall;
  tt.teardown(() => {
    Date.now = realNow;
  });
  const clock = createSimClock(1000, 2);
  wall += 5000; // five seconds of connecting
  tt.equal(clock.now(), 11_000, 'runs at its speed from creation');
  clock.begin();
  tt.equal(clock.now(), 1000, 'back at the start when the fleet begins uploading');
  wall += 250;
  tt.equal(clock.now(), 1500, 'and runs on from there');
});

t.test('latency histogram quantiles within 2 %', async (tt) => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 1000; i++) h.record(i);
  tt.ok(Math.abs(h.quantile(0.5) - 500) / 500 < 0.021, `p50 ${h.quantile(0.5)}`);
  tt.ok(Math.abs(h.quantile(0.99) - 990) / 990 < 0.021, `p99 ${h.quantile(0.99)}`);
  const other = new LatencyHistogram();
  other.record(5000);
  h.merge(other);
  tt.equal(h.count, 1001);
  tt.equal(h.max, 5000);
  tt.equal(new LatencyHistogram().quantile(0.5), 0);
});

t.test('scenario: defaults, bounded runs only, unknown keys and bad rates rejected', async (tt) => {
  const s = parseScenario({ count: 1 });
  tt.equal(s.port, 5003);
  tt.equal(s.overTimeS, 5, 'HJ212-2017 OverTime default');
  tt.equal(s.reCount, 3, 'HJ212-2017 ReCount default');
  tt.throws(() => parseScenario({}), /durationS or count/);
  tt.throws(() => parseScenario({ count: 1, colectors: 5 }), /colectors|Unrecognized/);
  tt.throws(() => parseScenario({ count: 1, faults: { badCrc: 2 } }), /faults.badCrc/);
  tt.ok(isLoopback('127.0.0.1') && isLoopback('127.3.2.1') && isLoopback('localhost') && isLoopback('::1'));
  tt.notOk(isLoopback('10.0.0.1') || isLoopback('example.com') || isLoopback('0.0.0.0'));
});

t.test('shipped scenarios validate', async (tt) => {
  const { readScenarioFile } = await import('../../src/sim/scenario.js');
  for (const name of ['steady-10k', 'storm', 'faulty-fleet']) {
    const s = parseScenario(await readScenarioFile(new URL(`../../../scenarios/${name}.yaml`, import.meta.url).pathname));
    tt.ok(s.durationS !== undefined && s.ack, `${name}: bounded, acks on`);
  }
});
