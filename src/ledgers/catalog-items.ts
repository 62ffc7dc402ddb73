/**
 * ItemSource over the catalog: a collector's items are the monitoring items of the point its Device is bound to
 * (catalog.ts: `DeviceRegistry.get(mn).pointId` → `CatalogStore.listItems`), in the collector's time zone.
 */
import type { CatalogStore, MonitoringItem } from '../domain/catalog.js';
import type { CheckItem, ItemSource } from '../domain/ledgers.js';
import type { Device } from '../domain/device.js';
import type { DeviceRegistry } from '../domain/ports.js';

/**
 * Factors whose values may be negative: temperatures and flue-gas pressures (factor table,
 * fixtures/corpus/factors.csv): a01001 ambient temperature, a01012 / S03 flue-gas temperature, a01013 / S08 flue-gas pressure,
 * a01015 / S06 cooler temperature, a01017 / S04 flue-gas dynamic pressure, w01010 water temperature.
 */
const MAY_BE_NEGATIVE: ReadonlySet<string> = new Set(['a01001', 'a01012', 'S03', 'a01013', 'S08', 'a01015', 'S06', 'a01017', 'S04', 'w01010']);

function parseTime(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The later of the item's start and the collector's binding (either may be unknown). */
function validFrom(startMs: number | undefined, boundMs: number | undefined): number | undefined {
  if (startMs === undefined) return boundMs;
  return boundMs === undefined ? startMs : Math.max(startMs, boundMs);
}

/** The check view of one catalog item of a bound collector: expected from the later of startAt and the binding. */
export function toCheckItem(device: Device, item: MonitoringItem): CheckItem {
  return {
    mn: device.mn,
    factor: item.factor,
    itemId: item.id,
    enterpriseId: item.enterpriseId,
    siteId: item.siteId,
    pointId: item.pointId,
    mode: item.mode,
    cadences: item.uploads.map((u) => ({ kind: u.kind, periodMs: u.periodSeconds * 1000 })),
    standard: item.standardLower === undefined && item.standardUpper === undefined ? undefined : { lower: item.standardLower, upper: item.standardUpper },
    range: item.rangeLower === undefined && item.rangeUpper === undefined ? undefined : { lower: item.rangeLower, upper: item.rangeUpper },
    allowNegative: MAY_BE_NEGATIVE.has(item.factor),
    startMs: validFrom(parseTime(item.startAt), parseTime(device.pointId === item.pointId ? device.boundAt : undefined)),
    endMs: parseTime(item.endAt),
    enabled: item.enabled && device.enabled,
    timeZone: device.profile.timeZone,
  };
}

/** Items of collectors bound to a point; collectors without a point have none. */
export function createCatalogItemSource(registry: Pick<DeviceRegistry, 'get' | 'list'>, catalog: Pick<CatalogStore, 'listItems'>): ItemSource {
  return {
    async itemsOf(mn) {
      const device = await registry.get(mn);
      if (!device?.pointId) return [];
      return (await catalog.listItems(device.pointId)).map((item) => toCheckItem(device, item));
    },
    async collectors() {
      const bound = (await registry.list()).filter((d) => d.enabled && d.pointId);
      // One catalog read per point (collectors often share one), all at once, not one per collector in turn.
      const pointIds = [...new Set(bound.map((d) => d.pointId as string))];
      const active = await Promise.all(pointIds.map(async (id) => (await catalog.listItems(id)).some((i) => i.enabled)));
      const withItems = new Set(pointIds.filter((_, i) => active[i]));
      return bound.filter((d) => withItems.has(d.pointId as string)).map((d) => d.mn);
    },
  };
}
