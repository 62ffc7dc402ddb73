/** Registered collectors indexed by enterprise, site and point, for DeviceRegistry.find. */
import type { Device } from '../../domain/device.js';
import type { DeviceLookup } from '../../domain/ports.js';

export interface DeviceIndex {
  /** Every device, by MN. */
  all: readonly Device[];
  byEnterprise: ReadonlyMap<string, readonly Device[]>;
  bySite: ReadonlyMap<string, readonly Device[]>;
  byPoint: ReadonlyMap<string, readonly Device[]>;
}

function add(map: Map<string, Device[]>, key: string | undefined, device: Device): void {
  if (key === undefined) return;
  const list = map.get(key);
  if (list) list.push(device);
  else map.set(key, [device]);
}

/** Index devices already sorted by MN (each index list keeps that order). */
export function indexDevices(all: readonly Device[]): DeviceIndex {
  const byEnterprise = new Map<string, Device[]>();
  const bySite = new Map<string, Device[]>();
  const byPoint = new Map<string, Device[]>();
  for (const d of all) {
    add(byEnterprise, d.enterpriseId, d);
    add(bySite, d.siteId, d);
    add(byPoint, d.pointId, d);
  }
  return { all, byEnterprise, bySite, byPoint };
}

/** True when the device matches every field of the lookup. */
export function matchesLookup(d: Device, lookup: DeviceLookup): boolean {
  return (
    (lookup.enterpriseId === undefined || d.enterpriseId === lookup.enterpriseId) &&
    (lookup.siteId === undefined || d.siteId === lookup.siteId) &&
    (lookup.pointId === undefined || d.pointId === lookup.pointId)
  );
}

/** The devices of the lookup, by MN: from the narrowest index the lookup names, then the other fields checked. */
export function lookUp(index: DeviceIndex, lookup: DeviceLookup): Device[] {
  const from =
    lookup.pointId !== undefined
      ? (index.byPoint.get(lookup.pointId) ?? [])
      : lookup.siteId !== undefined
        ? (index.bySite.get(lookup.siteId) ?? [])
        : lookup.enterpriseId !== undefined
          ? (index.byEnterprise.get(lookup.enterpriseId) ?? [])
          : index.all;
  return from.filter((d) => matchesLookup(d, lookup));
}
