/**
 * A micro-cache in front of the ReadingQuery: identical queries arriving within `ttlMs` of each other share one
 * InfluxDB query and its answer (single flight while it runs, then the answer until `ttlMs` after it started).
 * Portals poll the same series and latest values from many screens at once, and InfluxDB, not the API, bounds how
 * many such queries are answered per second, so identical ones share one (measurements in benchmarks/README.md).
 * A reading written less than `ttlMs` ago may therefore show up `ttlMs` later (docs/api.md says so).
 *
 * Bounded: answers with more than `maxRows` readings (CSV pages, large exports) are not kept, and at most
 * `maxEntries` answers are; the oldest go first. Failures are never kept.
 */
import type { DataKind, Reading, ReadingFilter, ReadingPosition, ReadingQuery } from '../domain/readings.js';

/** Options of {@link createReadCache}. */
export interface ReadCacheOptions {
  /** How long an answer is reused, from the moment its query started. 0 disables the cache. */
  ttlMs: number;
  /** Answers kept at most. Default 500. */
  maxEntries?: number;
  /** Larger answers are not kept. Default 2,000 readings. */
  maxRows?: number;
  /** Clock in ms; tests pass their own. */
  now?: () => number;
}

interface Entry {
  expiresAt: number;
  answer: Promise<readonly Reading[]>;
}

/** Wrap `inner` in a micro-cache; returns `inner` itself when `ttlMs` is 0. */
export function createReadCache(inner: ReadingQuery, options: ReadCacheOptions): ReadingQuery {
  const { ttlMs, maxEntries = 500, maxRows = 2_000, now = Date.now } = options;
  if (ttlMs <= 0) return inner;
  const entries = new Map<string, Entry>();

  function evict(at: number): void {
    for (const [key, entry] of entries) {
      if (entries.size <= maxEntries && entry.expiresAt > at) return;
      entries.delete(key);
    }
  }

  function shared(key: string, run: () => Promise<Reading[]>): Promise<Reading[]> {
    const at = now();
    const hit = entries.get(key);
    // Callers get the same frozen array: the routes only read it.
    if (hit && hit.expiresAt > at) return hit.answer as Promise<Reading[]>;
    const answer = run().then((rows) => Object.freeze(rows));
    const entry: Entry = { expiresAt: at + ttlMs, answer };
    entries.delete(key);
    entries.set(key, entry);
    evict(at);
    answer.then(
      (rows) => {
        if (rows.length > maxRows && entries.get(key) === entry) entries.delete(key);
      },
      () => {
        if (entries.get(key) === entry) entries.delete(key);
      },
    );
    return answer as Promise<Reading[]>;
  }

  return {
    find(filter: ReadingFilter, page: { limit: number; after?: ReadingPosition }) {
      const { kind, mns, factors, fromMs, toMs, includeRejected } = filter;
      const { limit, after } = page;
      const key = JSON.stringify(['find', kind, mns, factors ?? null, fromMs, toMs, includeRejected === true, limit, after ? [after.timeMs, after.mn, after.factor, after.st] : null]);
      return shared(key, () => inner.find(filter, page));
    },
    latest(mn: string, kinds: readonly DataKind[]) {
      return shared(JSON.stringify(['latest', mn, kinds]), () => inner.latest(mn, kinds));
    },
  };
}
