/**
 * The one collector filter of the API: /collectors, /status and /readings by site or point select registered
 * collectors the same way, within the token's enterprise.
 */
import type { TokenRecord } from '../domain/catalog.js';
import type { Device } from '../domain/device.js';
import type { DeviceRegistry } from '../domain/ports.js';
import { assertEnterpriseAccess } from './auth.js';
import { matchesQ } from './list-page.js';

/** Filters of a collector listing; absent ones select all. */
export interface DeviceFilter {
  enterpriseId?: string;
  siteId?: string;
  pointId?: string;
  /** `true` / `false`: only enabled / disabled collectors. */
  enabled?: string;
  /** MN containing this text. */
  q?: string;
}

/**
 * Registered collectors matching the filter, by MN, that the token may see: an enterprise token sees its own
 * enterprise only, and asking for another answers 404 `enterprise <id>` (like an unknown one).
 */
export async function visibleDevices(registry: Pick<DeviceRegistry, 'find'>, token: TokenRecord, filter: DeviceFilter): Promise<Device[]> {
  let { enterpriseId } = filter;
  if (token.role === 'enterprise') {
    assertEnterpriseAccess(token, enterpriseId ?? token.enterpriseId, `enterprise ${enterpriseId}`);
    enterpriseId = token.enterpriseId;
  }
  return matchingDevices(registry, { ...filter, enterpriseId });
}

/** Registered collectors matching the filter, by MN, whoever asks (the caller has checked the scope). */
export async function matchingDevices(registry: Pick<DeviceRegistry, 'find'>, filter: DeviceFilter): Promise<Device[]> {
  const { enterpriseId, siteId, pointId, enabled, q } = filter;
  const bound = await registry.find({ enterpriseId, siteId, pointId });
  return bound.filter((d) => (enabled === undefined || String(d.enabled) === enabled) && matchesQ(d.mn, q));
}

/** MNs of the collectors of the token's enterprise (for filtering logs an enterprise token reads). */
export async function enterpriseMns(registry: Pick<DeviceRegistry, 'find'>, token: TokenRecord): Promise<Set<string>> {
  const devices = await registry.find({ enterpriseId: token.enterpriseId });
  return new Set(devices.filter((d) => d.enterpriseId === token.enterpriseId).map((d) => d.mn));
}
