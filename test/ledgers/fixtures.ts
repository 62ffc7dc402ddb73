/** Builders shared by the checks tests: items, readings, a settable clock and in-memory check dependencies. */
import type { Clock } from '../../src/domain/clock.js';
import type { CheckItem, ItemSource, ReadingRow } from '../../src/domain/ledgers.js';
import type { CheckDeps } from '../../src/ledgers/check-deps.js';
import { DEFAULT_CHECK_SETTINGS, type CheckSettings } from '../../src/ledgers/check-settings.js';
import { createMemoryCheckState, createMemoryLedgerStore, createMemoryReadings, type MemoryReadings } from '../fakes/memory-ledgers.js';

export const TZ = 'Asia/Shanghai';
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** 2024-05-01 00:00 China Standard Time. */
export const T0 = Date.parse('2024-05-01T00:00:00+08:00');

/** A COD item of collector MN1 with hourly data, standard ≤ 100 and range 0..500, monitored from T0. */
export function item(over: Partial<CheckItem> = {}): CheckItem {
  return {
    mn: 'MN1',
    factor: 'w01018',
    itemId: 'item-cod',
    enterpriseId: 'ent-1',
    siteId: 'site-1',
    pointId: 'point-1',
    mode: 'automatic',
    cadences: [{ kind: 'hour', periodMs: HOUR }],
    standard: { upper: 100 },
    range: { lower: 0, upper: 500 },
    enabled: true,
    timeZone: TZ,
    startMs: T0,
    ...over,
  };
}

/** A collector reading with flag N. */
export function row(timeMs: number, values: ReadingRow['values'], over: Partial<ReadingRow> = {}): ReadingRow {
  return { factor: 'w01018', timeMs, manual: false, values, flag: 'N', invalid: false, rejected: false, ...over };
}

/** Items served from a list. */
export function itemSource(items: () => readonly CheckItem[]): ItemSource {
  return {
    async itemsOf(mn) {
      return items().filter((i) => i.mn === mn);
    },
    async collectors() {
      return [...new Set(items().filter((i) => i.enabled).map((i) => i.mn))];
    },
  };
}

export interface TestClock extends Clock {
  set(ms: number): void;
}

export function testClock(start: number): TestClock {
  let now = start;
  return {
    now: () => now,
    set(ms) {
      now = ms;
    },
  };
}

export type MemoryCheckDeps = CheckDeps & { readings: MemoryReadings; clock: TestClock };

/** In-memory check dependencies over `items`, clock at `now`. */
export function memoryCheckDeps(items: CheckItem[], now: number, settings: Partial<CheckSettings> = {}): MemoryCheckDeps {
  const clock = testClock(now);
  return {
    items: itemSource(() => items),
    ledgers: createMemoryLedgerStore(),
    readings: createMemoryReadings(),
    state: createMemoryCheckState(clock),
    clock,
    settings: { ...DEFAULT_CHECK_SETTINGS, initialLookbackMs: 7 * DAY, ...settings },
  };
}
