/** In-memory DeviceRegistry for unit tests; records are copied in and out as Redis would serialize them. */
import type { Device, PendingDevice } from '../../src/domain/device.js';
import type { DeviceRegistry } from '../../src/domain/ports.js';
import { matchesLookup } from '../../src/storage/redis/device-index.js';

type Entry = PendingDevice & { lastSeenMs: number; activeMinutes: number; lastMinute: number };

/** Eviction rank as in src/storage/redis/registry.ts: distinct minutes with a valid frame (capped), then last seen. */
const rank = (e: Entry): number => Math.min(e.activeMinutes, 500) * 1e13 + e.lastSeenMs;

/** Create an empty registry keeping at most `maxPending` (default 10 000) pending MNs, lowest rank dropped. */
export function createMemoryRegistry(options: { maxPending?: number } = {}): DeviceRegistry {
  const maxPending = options.maxPending ?? 10_000;
  const devices = new Map<string, Device>();
  const pending = new Map<string, Entry>();

  function evict(): void {
    while (pending.size > maxPending) {
      let lowest: string | undefined;
      let lowestRank = Infinity;
      for (const [mn, entry] of pending) {
        if (rank(entry) < lowestRank) [lowest, lowestRank] = [mn, rank(entry)];
      }
      if (lowest === undefined) return;
      pending.delete(lowest);
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
    async find(lookup) {
      return [...devices.keys()]
        .sort()
        .map((mn) => devices.get(mn) as Device)
        .filter((d) => matchesLookup(d, lookup))
        .map((d) => structuredClone(d));
    },
    async put(device) {
      devices.set(device.mn, structuredClone(device));
      pending.delete(device.mn);
    },
    async recordPending({ mn, sourceIp, sampleFrame, at, frames = 1, valid = true }) {
      const iso = at.toISOString();
      const minute = Math.floor(at.getTime() / 60_000);
      const existing = pending.get(mn);
      if (!existing) {
        pending.set(mn, { mn, firstSeen: iso, lastSeen: iso, lastSeenMs: at.getTime(), sourceIp, frames, sampleFrame, activeMinutes: valid ? 1 : 0, lastMinute: valid ? minute : -1 });
        return evict();
      }
      existing.frames += frames;
      if (valid && minute !== existing.lastMinute) Object.assign(existing, { activeMinutes: existing.activeMinutes + 1, lastMinute: minute });
      if (at.getTime() >= existing.lastSeenMs) Object.assign(existing, { lastSeen: iso, lastSeenMs: at.getTime(), sourceIp, sampleFrame });
    },
    async listPending() {
      return [...pending.values()]
        .sort((a, b) => b.lastSeenMs - a.lastSeenMs)
        .map(({ lastSeenMs: _ms, activeMinutes: _a, lastMinute: _m, ...entry }) => entry);
    },
    async removePending(mn) {
      pending.delete(mn);
    },
    async close() {},
  };
}
