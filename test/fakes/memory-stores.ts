/** In-memory DedupeStore, LatestStore, FrameArchive and FactorBudget for unit tests, with the Redis versions' semantics. */
import { systemClock, type Clock } from '../../src/domain/clock.js';
import type { ArchivedFrame, DedupeStore, FactorBudget, FrameArchive, LatestEntry, LatestStore } from '../../src/domain/ports.js';

/** Keys expire `ttlSeconds` after they were remembered, by the injected clock. */
export function createMemoryDedupe(options: { ttlSeconds: number; clock?: Clock }): DedupeStore {
  const clock = options.clock ?? systemClock;
  const expiry = new Map<string, number>();
  const marks = new Map<string, { until: number; streams: Map<string, number> }>();
  return {
    async seen(keys) {
      const now = clock.now();
      return new Set(keys.filter((key) => (expiry.get(key) ?? -Infinity) > now));
    },
    async remember(keys, raised = []) {
      const until = clock.now() + options.ttlSeconds * 1000;
      for (const key of keys) expiry.set(key, until);
      for (const { owner, stream, mark } of raised) {
        let entry = marks.get(owner);
        if (!entry || entry.until <= clock.now()) marks.set(owner, (entry = { until, streams: new Map() }));
        entry.until = until;
        if (mark > (entry.streams.get(stream) ?? -Infinity)) entry.streams.set(stream, mark);
      }
    },
    async marks(owners) {
      const out = new Map<string, Map<string, number>>();
      for (const owner of owners) {
        const entry = marks.get(owner);
        if (entry && entry.until > clock.now()) out.set(owner, new Map(entry.streams));
      }
      return out;
    },
  };
}

/** Latest entry per MN + kind + factor; an update with an older timeMs is ignored, an equal one replaces. */
export function createMemoryLatest(): LatestStore {
  const byMn = new Map<string, Map<string, LatestEntry>>();
  return {
    async update(entries) {
      for (const entry of entries) {
        let entriesOfMn = byMn.get(entry.mn);
        if (!entriesOfMn) byMn.set(entry.mn, (entriesOfMn = new Map()));
        const field = JSON.stringify([entry.kind, entry.factor]);
        const current = entriesOfMn.get(field);
        if (!current || current.timeMs <= entry.timeMs) entriesOfMn.set(field, structuredClone(entry));
      }
    },
    async get(mn) {
      const entries = [...(byMn.get(mn)?.values() ?? [])].map((e) => structuredClone(e));
      return entries.sort((a, b) => a.kind.localeCompare(b.kind) || a.factor.localeCompare(b.factor));
    },
  };
}

/** Keeps the last `maxLength` frames; `recent` returns newest first. */
export function createMemoryArchive(options: { maxLength: number }): FrameArchive {
  const frames: ArchivedFrame[] = [];
  return {
    async append(batch) {
      frames.push(...batch.map((f) => structuredClone(f)));
      if (frames.length > options.maxLength) frames.splice(0, frames.length - options.maxLength);
    },
    async recent(limit) {
      if (limit <= 0) return [];
      return frames.slice(-limit).reverse().map((f) => structuredClone(f));
    },
  };
}

/** In-memory {@link FactorBudget}: the same cap per collector, without catalog items. */
export function createMemoryFactorBudget(options: { maxUnknown: number }): FactorBudget {
  const admittedOf = new Map<string, Set<string>>();
  const droppedOf = new Map<string, number>();
  return {
    async admit(device, codes) {
      let set = admittedOf.get(device.mn);
      if (!set) admittedOf.set(device.mn, (set = new Set()));
      const out = new Set<string>();
      for (const code of codes) {
        if (!set.has(code) && set.size < options.maxUnknown) set.add(code);
        if (set.has(code)) out.add(code);
      }
      return out;
    },
    async dropped(mn, readings) {
      droppedOf.set(mn, (droppedOf.get(mn) ?? 0) + readings);
    },
    async unknown(mn) {
      return { codes: [...(admittedOf.get(mn) ?? [])].sort(), dropped: droppedOf.get(mn) ?? 0 };
    },
  };
}
