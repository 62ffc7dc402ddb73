/** Logic of the ops screens: collector filters, latest values against limits, chart data, command bodies, registration. */
import t from 'tap';
import type { CollectorStatus, Item, Reading } from '../src/api-types.js';
import { tabsFor, chartFactors, chartOption, cnOf, commandBodyOf, commandsFor, EMPTY_COMMAND_FORM, itemsByFactor, kindForRange, latestRows, limitState, valueOf } from '../src/screens/collector-logic.js';
import { filterCollectors, filterFromQuery, filterToQuery, joinNames, NO_FILTER } from '../src/screens/collectors-logic.js';
import { registerBodyOf } from '../src/screens/pending-logic.js';

const status = (mn: string, extra: Partial<CollectorStatus> = {}): CollectorStatus => ({ mn, enabled: true, online: false, framesToday: 0, rejectionsToday: 0, replaced: 0, ...extra });

t.test('collectors: names joined, filters combined, filter state round-trips through the hash query', async (tt) => {
  const rows = joinNames(
    [status('A1', { online: true, enterpriseId: 'e1', siteId: 's1' }), status('B2', { enterpriseId: 'e2', rejectionsToday: 3 }), status('C3', { enterpriseId: 'gone' })],
    [{ id: 'e1', name: '钢铁厂', enabled: true }, { id: 'e2', name: 'Paper Mill', enabled: true }],
    [{ id: 's1', name: '1号排口', enterpriseId: 'e1', enabled: true }],
  );
  tt.same(rows.map((r) => [r.enterpriseName, r.siteName]), [['钢铁厂', '1号排口'], ['Paper Mill', ''], ['gone', '']], 'unknown ids shown as ids');
  const mns = (f: Partial<typeof NO_FILTER>) => filterCollectors(rows, { ...NO_FILTER, ...f }).map((r) => r.mn);
  tt.same(mns({}), ['A1', 'B2', 'C3']);
  tt.same(mns({ online: 'online' }), ['A1']);
  tt.same(mns({ online: 'offline' }), ['B2', 'C3']);
  tt.same(mns({ enterpriseId: 'e2' }), ['B2']);
  tt.same(mns({ text: 'paper' }), ['B2'], 'enterprise name, case-insensitive');
  tt.same(mns({ text: '1号' }), ['A1'], 'site name');
  tt.same(mns({ text: ' c3 ' }), ['C3'], 'MN, trimmed');
  tt.same(mns({ rejected: true }), ['B2']);
  tt.same(mns({ online: 'online', enterpriseId: 'e2' }), []);
  const f = { online: 'offline' as const, enterpriseId: 'e1', text: 'x', rejected: true };
  tt.same(filterFromQuery(filterToQuery(f) as Record<string, string>), f);
  tt.same(filterFromQuery({ online: 'bogus' }), NO_FILTER);
});

t.test('collectors: filtering 5,000 rows keeps what it should', async (tt) => {
  const many = joinNames(Array.from({ length: 5000 }, (_, i) => status(`MN${String(i).padStart(5, '0')}`, { online: i % 3 === 0 })), [], []);
  tt.equal(filterCollectors(many, { ...NO_FILTER, online: 'online' }).length, 1667);
  tt.equal(filterCollectors(many, { ...NO_FILTER, text: 'mn0499' }).length, 10);
});

const reading = (factor: string, kind: Reading['kind'], extra: Partial<Reading> = {}): Reading => ({ kind, time: '2024-05-01T08:00:00+08:00', mn: 'M', factor, invalid: false, source: 'collector', rejected: false, ...extra });
const item = (factor: string, extra: Partial<Item> = {}): Item => ({ id: `i-${factor}`, pointId: 'p', factor, enabled: true, ...extra });

t.test('latest values: value per kind, verdict against the item in force', async (tt) => {
  tt.equal(valueOf(reading('a', 'realtime', { rtd: 1, avg: 2 })), 1);
  tt.equal(valueOf(reading('a', 'hour', { avg: 2, max: 5 })), 2);
  tt.equal(valueOf(reading('a', 'day', { cou: 7 })), 7);
  tt.equal(valueOf(reading('a', 'day')), undefined);
  const limits = item('a34013', { standardLower: 1, standardUpper: 10 });
  tt.equal(limitState(11, limits), 'above');
  tt.equal(limitState(0.5, limits), 'below');
  tt.equal(limitState(10, limits), 'ok', 'the limit itself is within');
  tt.equal(limitState(5, undefined), 'none');
  tt.equal(limitState(5, limits, true), 'invalid');
  tt.equal(limitState(undefined, limits), 'invalid');

  const now = Date.parse('2024-06-01T00:00:00Z');
  const items = [item('a', { standardUpper: 1, endAt: '2024-01-01T00:00:00Z' }), item('a', { id: 'new', standardUpper: 100, startAt: '2024-01-01T00:00:00Z' }), item('b', { enabled: false, standardUpper: 1 })];
  tt.equal(itemsByFactor(items, now).get('a')?.id, 'new', 'the item in force now');
  tt.notOk(itemsByFactor(items, now).has('b'), 'disabled items do not judge');
  const rows = latestRows([reading('b', 'hour', { avg: 5 }), reading('a', 'hour', { avg: 50 }), reading('a', 'realtime', { rtd: 150 })], items, now);
  tt.same(rows.map((r) => [r.key, r.state]), [['a|realtime', 'above'], ['a|hour', 'ok'], ['b|hour', 'none']]);
  tt.same(chartFactors([reading('z', 'hour')], [item('a'), item('b', { enabled: false })]), ['a', 'z']);
});

t.test('chart: values by time, invalid readings left out, limits as mark lines', async (tt) => {
  const option = chartOption(
    [reading('a', 'hour', { time: '2024-05-01T09:00:00+08:00', avg: 2 }), reading('a', 'hour', { time: '2024-05-01T08:00:00+08:00', avg: 1 }), reading('a', 'hour', { invalid: true, avg: 99 })],
    item('a', { standardUpper: 10, unit: 'mg/m3' }),
    { value: 'a', upper: 'U', lower: 'L' },
  );
  const series = option.series[0]!;
  tt.same(series.data, [[Date.parse('2024-05-01T00:00:00Z'), 1], [Date.parse('2024-05-01T01:00:00Z'), 2]], 'sorted by time');
  tt.same(series.markLine?.data, [{ yAxis: 10, name: 'U' }]);
  tt.equal(option.yAxis.name, 'mg/m3');
  tt.equal(chartOption([], undefined, { value: 'a', upper: 'U', lower: 'L' }).series[0]!.markLine, undefined);
  tt.equal(kindForRange('1h'), 'realtime');
  tt.equal(kindForRange('7d'), 'hour');
  tt.equal(kindForRange('30d'), 'day');
});

t.test('commands: bodies per command, what a role may send, the CN shown', async (tt) => {
  const f = { ...EMPTY_COMMAND_FORM, polId: ' p1 ', seconds: '30', minutes: 'x', overTime: '5', reCount: '3', password: 'N3w!pw', beginTime: '2024-05-01T00:00:00+08:00', endTime: '2024-05-02T00:00:00+08:00' };
  tt.same(commandBodyOf('get-time', f), { name: 'get-time', polId: 'p1' });
  tt.same(commandBodyOf('set-time', { ...f, polId: '' }), { name: 'set-time' }, 'no time: the server clock');
  tt.same(commandBodyOf('set-time', { ...f, time: '2024-05-01T00:00:00+08:00' }), { name: 'set-time', polId: 'p1', time: '2024-05-01T00:00:00+08:00' });
  tt.same(commandBodyOf('set-rtd-interval', f), { name: 'set-rtd-interval', seconds: 30 });
  tt.same(commandBodyOf('set-min-interval', f), { name: 'set-min-interval', minutes: 'x' }, 'not a number: sent as typed for the API to name the field');
  tt.same(commandBodyOf('set-timeout', f), { name: 'set-timeout', overTime: 5, reCount: 3 });
  tt.same(commandBodyOf('set-password', f), { name: 'set-password', password: 'N3w!pw' });
  tt.same(commandBodyOf('history', f), { name: 'history', kind: 'hour', beginTime: f.beginTime, endTime: f.endTime });
  tt.same(commandBodyOf('start-realtime', f), { name: 'start-realtime' });
  tt.same(commandsFor('enterprise'), ['history']);
  tt.same(commandsFor('regulator'), []);
  tt.ok(commandsFor('ops').includes('set-password'));
  tt.equal(cnOf('set-password'), '1072');
  tt.equal(cnOf('history', 'day'), '2031');
  tt.equal(cnOf('history', 'minute'), '2051');
});

t.test('collector tabs follow the roles of the routes they call', async (tt) => {
  tt.same(tabsFor('admin'), ['overview', 'chart', 'frames', 'commands', 'password']);
  tt.same(tabsFor('ops'), ['overview', 'chart', 'frames', 'commands', 'password']);
  tt.same(tabsFor('enterprise'), ['overview', 'chart', 'frames', 'commands']);
  tt.same(tabsFor('regulator'), ['overview', 'chart']);
  tt.same(tabsFor('reader'), ['overview', 'chart']);
});

t.test('register: empty choices left out, a point wins over its site', async (tt) => {
  const base = { password: 'pw', version: '', siteId: '', pointId: '', allowMnLength: false, mnCharset: '' };
  tt.same(registerBodyOf(base), { password: 'pw' });
  tt.same(registerBodyOf({ ...base, version: '2017', siteId: 's', pointId: 'p', allowMnLength: true, mnCharset: 'extended' }), { password: 'pw', version: '2017', pointId: 'p', allowMnLength: true, mnCharset: 'extended' });
  tt.same(registerBodyOf({ ...base, siteId: 's' }), { password: 'pw', siteId: 's' });
});
