/**
 * The collector page's logic without the DOM: latest values against their item's limits, the readings chart's
 * option, time range presets, and the body of each command form. Unit-tested in web/test.
 */
import type { Item, Reading } from '../api-types.js';

export const COLLECTOR_TABS = ['overview', 'chart', 'frames', 'commands', 'password'] as const;
export type CollectorTab = (typeof COLLECTOR_TABS)[number];

/** Tabs a role may use: frames and commands follow GET /frames and /commands, the password tab PUT /collectors/:mn/password. */
export function tabsFor(role: string): CollectorTab[] {
  return COLLECTOR_TABS.filter((tab) => (tab === 'frames' || tab === 'commands' ? ['admin', 'ops', 'enterprise'].includes(role) : tab === 'password' ? ['admin', 'ops'].includes(role) : true));
}

/** The value a reading shows: rtd for realtime, else the period's average (then min/max/cou when that is all it has). */
export function valueOf(r: Reading): number | undefined {
  return r.rtd ?? r.avg ?? r.cou ?? r.max ?? r.min;
}

export type LimitState = 'ok' | 'above' | 'below' | 'invalid' | 'none';

/** Where a value stands against an item's standard limits (HJ212 readings are judged per item, docs/ledgers.md). */
export function limitState(value: number | undefined, item: Item | undefined, invalid = false): LimitState {
  if (invalid || value === undefined) return 'invalid';
  if (!item || (item.standardUpper === undefined && item.standardLower === undefined)) return 'none';
  if (item.standardUpper !== undefined && value > item.standardUpper) return 'above';
  if (item.standardLower !== undefined && value < item.standardLower) return 'below';
  return 'ok';
}

export interface LatestRow {
  key: string;
  factor: string;
  kind: string;
  time: string;
  value: number | undefined;
  flag: string;
  item: Item | undefined;
  state: LimitState;
}

const KIND_ORDER = ['realtime', 'minute', 'five_minute', 'hour', 'day'];

/** Enabled items by factor code (the first in force now when several). */
export function itemsByFactor(items: readonly Item[], now = Date.now()): Map<string, Item> {
  const map = new Map<string, Item>();
  for (const item of items) {
    if (!item.enabled) continue;
    if (item.startAt && Date.parse(item.startAt) > now) continue;
    if (item.endAt && Date.parse(item.endAt) <= now) continue;
    if (!map.has(item.factor)) map.set(item.factor, item);
  }
  return map;
}

/** One row per factor and kind of the latest readings, by factor then kind, with the item and its verdict. */
export function latestRows(readings: readonly Reading[], items: readonly Item[], now = Date.now()): LatestRow[] {
  const byFactor = itemsByFactor(items, now);
  return readings
    .map((r) => {
      const item = byFactor.get(r.factor);
      const value = valueOf(r);
      return { key: `${r.factor}|${r.kind}`, factor: r.factor, kind: r.kind, time: r.time, value, flag: r.flag ?? '', item, state: limitState(value, item, r.invalid) };
    })
    .sort((a, b) => a.factor.localeCompare(b.factor) || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}

/** The factors worth charting: those with readings, then those with items. */
export function chartFactors(readings: readonly Reading[], items: readonly Item[]): string[] {
  return [...new Set([...readings.map((r) => r.factor), ...items.filter((i) => i.enabled).map((i) => i.factor)])].sort();
}

export const RANGES = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type RangeKey = keyof typeof RANGES | 'custom';

/** The kind that suits a range when the user has not chosen one: realtime for hours, hourly for days, daily for a month. */
export function kindForRange(range: RangeKey): 'realtime' | 'minute' | 'hour' | 'day' {
  if (range === '1h' || range === '6h') return 'realtime';
  if (range === '24h') return 'minute';
  if (range === '7d') return 'hour';
  return 'day';
}

/** ECharts option of a factor's readings: the values over time, invalid ones left out, the item's limits as lines. */
export function chartOption(readings: readonly Reading[], item: Item | undefined, label: { value: string; upper: string; lower: string }) {
  const data = readings.filter((r) => !r.invalid && valueOf(r) !== undefined).map((r) => [Date.parse(r.time), valueOf(r)!] as [number, number]);
  data.sort((a, b) => a[0] - b[0]);
  const marks: { yAxis: number; name: string }[] = [];
  if (item?.standardUpper !== undefined) marks.push({ yAxis: item.standardUpper, name: label.upper });
  if (item?.standardLower !== undefined) marks.push({ yAxis: item.standardLower, name: label.lower });
  return {
    animation: false,
    grid: { left: 56, right: 24, top: 24, bottom: 56 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', scale: true, name: item?.unit ?? '' },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 20, bottom: 8 }],
    series: [
      {
        name: label.value,
        type: 'line',
        showSymbol: data.length < 200,
        sampling: 'lttb',
        data,
        markLine: marks.length ? { symbol: 'none', silent: true, lineStyle: { type: 'dashed', color: '#b42318' }, data: marks, label: { formatter: '{b}: {c}' } } : undefined,
      },
    ],
  };
}

/** Commands the console offers (src/api/command-schemas.ts), and which a role may send (enterprise: history only). */
export const COMMAND_NAMES = [
  'get-time',
  'set-time',
  'get-rtd-interval',
  'set-rtd-interval',
  'get-min-interval',
  'set-min-interval',
  'history',
  'start-realtime',
  'stop-realtime',
  'start-running-status',
  'stop-running-status',
  'set-timeout',
  'set-password',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export function commandsFor(role: string): CommandName[] {
  if (role === 'admin' || role === 'ops') return [...COMMAND_NAMES];
  if (role === 'enterprise') return ['history'];
  return [];
}

/** What the command form holds (all text, as inputs give it). */
export interface CommandForm {
  polId: string;
  time: string;
  seconds: string;
  minutes: string;
  overTime: string;
  reCount: string;
  password: string;
  kind: 'minute' | 'hour' | 'day' | 'runtime-day';
  beginTime: string;
  endTime: string;
}

export const EMPTY_COMMAND_FORM: CommandForm = { polId: '', time: '', seconds: '', minutes: '', overTime: '', reCount: '', password: '', kind: 'hour', beginTime: '', endTime: '' };

const int = (s: string): number | string => (/^-?\d+$/.test(s.trim()) ? Number(s.trim()) : s);

/**
 * The POST /collectors/:mn/commands body for a command and the form (times already ISO 8601 with offset). Numbers
 * that are not integers are passed as typed so the API's field errors point at the field.
 */
export function commandBodyOf(name: CommandName, f: CommandForm): Record<string, unknown> {
  const pol = f.polId.trim() === '' ? {} : { polId: f.polId.trim() };
  switch (name) {
    case 'get-time':
      return { name, ...pol };
    case 'set-time':
      return { name, ...pol, ...(f.time === '' ? {} : { time: f.time }) };
    case 'set-rtd-interval':
      return { name, seconds: int(f.seconds) };
    case 'set-min-interval':
      return { name, minutes: int(f.minutes) };
    case 'set-timeout':
      return { name, overTime: int(f.overTime), reCount: int(f.reCount) };
    case 'set-password':
      return { name, password: f.password };
    case 'history':
      return { name, kind: f.kind, beginTime: f.beginTime, endTime: f.endTime };
    default:
      return { name };
  }
}

/** The CN each command becomes (HJ212-2017 6.5; history by kind), shown beside its name. */
export function cnOf(name: CommandName, kind: CommandForm['kind'] = 'hour'): string {
  const cns: Record<CommandName, string> = {
    'set-timeout': '1000',
    'get-time': '1011',
    'set-time': '1012',
    'get-rtd-interval': '1061',
    'set-rtd-interval': '1062',
    'get-min-interval': '1063',
    'set-min-interval': '1064',
    'set-password': '1072',
    'start-realtime': '2011',
    'stop-realtime': '2012',
    'start-running-status': '2021',
    'stop-running-status': '2022',
    history: { minute: '2051', hour: '2061', day: '2031', 'runtime-day': '2041' }[kind],
  };
  return cns[name];
}
