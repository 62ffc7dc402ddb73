/** In-memory DeviceRegistry for unit tests; records are copied in and out as Redis would serialize them. */
import type { Device, PendingDevice } from '../domain/device.js';
import type { DeviceRegistry } from '../domain/ports.js';

/** Create an empty registry keeping at most `maxPending` (default 10 000) pending MNs, least recently seen dropped. */
export function createMemoryRegistry(options: { maxPending?: number } = {}): DeviceRegistry {
  const maxPending = options.maxPending ?? 10_000;
  const devices = new Map<string, Device>();
  const pending = new Map<string, PendingDevice & { lastSeenMs: number }>();

  function evict(): void {
    while (pending.size > maxPending) {
      let oldest: string | undefined;
      let oldestMs = Infinity;
      for (const [mn, entry] of pending) {
        if (entry.lastSeenMs < oldestMs) [oldest, oldestMs] = [mn, entry.lastSeenMs];
      }
      if (oldest === undefined) return;
      pending.delete(oldest);
    }
  }

  return {
    async get(mn) {
      const device = devices.get(mn);
      return device && structuredClone(device);
    },
    async list() {
      return [...devices.keys()].sort().map((mn) => structuredClone(devices.get(mn) as Device));
    },
    async put(device) {
      devices.set(device.mn, structuredClone(device));
      pending.delete(device.mn);
    },
    async recordPending({ mn, sourceIp, sampleFrame, at }) {
      const iso = at.toISOString();
      const existing = pending.get(mn);
      if (!existing) {
        pending.set(mn, { mn, firstSeen: iso, lastSeen: iso, lastSeenMs: at.getTime(), sourceIp, frames: 1, sampleFrame });
        return evict();
      }
      existing.frames++;
      if (at.getTime() >= existing.lastSeenMs) Object.assign(existing, { lastSeen: iso, lastSeenMs: at.getTime(), sourceIp, sampleFrame });
    },
    async listPending() {
      return [...pending.values()]
        .sort((a, b) => b.lastSeenMs - a.lastSeenMs)
        .map(({ lastSeenMs: _ms, ...entry }) => entry);
    },
    async removePending(mn) {
      pending.delete(mn);
    },
    async close() {},
  };
}
