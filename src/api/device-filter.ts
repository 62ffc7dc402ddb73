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
export async function visibleDevices(registry: Pick<DeviceRegistry, 'list'>, token: TokenRecord, filter: DeviceFilter): Promise<Device[]> {
  let { enterpriseId } = filter;
  if (token.role === 'enterprise') {
    assertEnterpriseAccess(token, enterpriseId ?? token.enterpriseId, `enterprise ${enterpriseId}`);
    enterpriseId = token.enterpriseId;
  }
  return matchingDevices(registry, { ...filter, enterpriseId });
}

/** Registered collectors matching the filter, by MN, whoever asks (the caller has checked the scope). */
export async function matchingDevices(registry: Pick<DeviceRegistry, 'list'>, filter: DeviceFilter): Promise<Device[]> {
  const { enterpriseId, siteId, pointId, enabled, q } = filter;
  return (await registry.list()).filter(
    (d) =>
      (enterpriseId === undefined || d.enterpriseId === enterpriseId) &&
      (siteId === undefined || d.siteId === siteId) &&
      (pointId === undefined || d.pointId === pointId) &&
      (enabled === undefined || String(d.enabled) === enabled) &&
      matchesQ(d.mn, q),
  );
}
