/**
 * In-memory ledger ports for unit tests, with the Redis versions' semantics: idempotent creation by id,
 * compare-and-set updates, one outstanding history request per collector, forward-only watermarks.
 */
import { systemClock, type Clock } from '../../src/domain/clock.js';
import type { CheckKind, CheckState, LedgerEntry, LedgerStore, MonthlyRow, ReadingReader, ReadingRow, RepullRequest, RepullTracker, RollupStore } from '../../src/domain/ledgers.js';
import { ACTIVE_GAP_STATES, compareRows, matchesQuery, paginate, rollupField, upgradeEntry } from '../../src/storage/ledger-query.js';

/** Entries are kept as JSON so callers never share objects with the store. */
export function createMemoryLedgerStore(): LedgerStore {
  const entries = new Map<string, string>();
  const read = (id: string): LedgerEntry | undefined => {
    const json = entries.get(id);
    return json === undefined ? undefined : upgradeEntry(JSON.parse(json) as LedgerEntry);
  };
  return {
    async create(entry) {
      if (entries.has(entry.id)) return false;
      entries.set(entry.id, JSON.stringify(entry));
      return true;
    },
    async get(id) {
      return read(id);
    },
    async getMany(ids) {
      return ids.map(read);
    },
    async update<T extends LedgerEntry>(id: string, change: (current: T) => T | undefined) {
      const current = read(id) as T | undefined;
      if (!current) return undefined;
      const next = change(structuredClone(current));
      if (!next) return undefined;
      const stored = { ...next, version: current.version + 1 };
      entries.set(id, JSON.stringify(stored));
      return stored;
    },
    async list(q) {
      const all = [...entries.values()].map((json) => upgradeEntry(JSON.parse(json) as LedgerEntry)).filter((e) => matchesQuery(e, q));
      return paginate(all, q) as never;
    },
    async activeGapIds(mn) {
      return [...entries.values()]
        .map((json) => JSON.parse(json) as LedgerEntry)
        .filter((e) => e.type === 'gap' && e.mn === mn && ACTIVE_GAP_STATES.has(e.state))
        .map((e) => e.id);
    },
  };
}

/** Slots expire by the injected clock, like the Redis key's PX. */
export function createMemoryRepullTracker(clock: Clock = systemClock): RepullTracker {
  const requests = new Map<string, RepullRequest>();
  const slots = new Map<string, { qn: string; until: number }>();
  const holderOf = (mn: string): string | undefined => {
    const slot = slots.get(mn);
    return slot && slot.until > clock.now() ? slot.qn : undefined;
  };
  return {
    async begin(request, ttlMs) {
      const key = `${request.mn}:${request.qn}`;
      if (requests.has(key) || holderOf(request.mn) !== undefined) return false;
      requests.set(key, structuredClone(request));
      slots.set(request.mn, { qn: request.qn, until: clock.now() + ttlMs });
      return true;
    },
    async get(mn, qn) {
      const r = requests.get(`${mn}:${qn}`);
      return r && structuredClone(r);
    },
    async save(request, release) {
      requests.set(`${request.mn}:${request.qn}`, structuredClone(request));
      if (release && slots.get(request.mn)?.qn === request.qn) slots.delete(request.mn);
    },
    async holder(mn) {
      return holderOf(mn);
    },
  };
}

/** Watermarks, cursors and leases in maps; leases expire by the injected clock. */
export function createMemoryCheckState(clock: Clock = systemClock): CheckState {
  const marks = new Map<string, number>();
  const cursors = new Map<string, string>();
  const leases = new Map<string, { owner: string; until: number }>();
  return {
    async watermark(key) {
      return marks.get(key);
    },
    async advance(key, ms) {
      marks.set(key, Math.max(ms, marks.get(key) ?? -Infinity));
    },
    async cursor(name) {
      return cursors.get(name);
    },
    async setCursor(name, value) {
      cursors.set(name, value);
    },
    async lease(name, owner, ttlMs) {
      const now = clock.now();
      const current = leases.get(name);
      if (current && current.until > now && current.owner !== owner) return false;
      leases.set(name, { owner, until: now + ttlMs });
      return true;
    },
    async release(name, owner) {
      if (leases.get(name)?.owner === owner) leases.delete(name);
    },
  };
}

/** Rows per month, keyed like the Redis hash fields. */
export function createMemoryRollupStore(): RollupStore {
  const months = new Map<string, Map<string, MonthlyRow>>();
  return {
    async put(month, rows) {
      let m = months.get(month);
      if (!m) months.set(month, (m = new Map()));
      for (const row of rows) m.set(rollupField(row), structuredClone(row));
    },
    async get(month) {
      return [...(months.get(month)?.values() ?? [])].map((r) => structuredClone(r)).sort(compareRows);
    },
  };
}

/** The fake's control on top of the ReadingReader port. */
export interface MemoryReadings extends ReadingReader {
  /** Store a reading; one with the same collector, kind, factor, time and source replaces it (as in InfluxDB). */
  add(mn: string, kind: CheckKind, row: ReadingRow): void;
}

/** Readings in an array, read back like the InfluxDB reader (oldest first, then by factor). */
export function createMemoryReadings(): MemoryReadings {
  const rows: Array<{ mn: string; kind: CheckKind; row: ReadingRow }> = [];
  return {
    add(mn, kind, row) {
      const i = rows.findIndex((r) => r.mn === mn && r.kind === kind && r.row.factor === row.factor && r.row.timeMs === row.timeMs && r.row.manual === row.manual);
      if (i >= 0) rows.splice(i, 1);
      rows.push({ mn, kind, row: structuredClone(row) });
    },
    async read(mn, kind, fromMs, toMs, factor) {
      return rows
        .filter((r) => r.mn === mn && r.kind === kind && r.row.timeMs >= fromMs && r.row.timeMs < toMs && (factor === undefined || r.row.factor === factor))
        .map((r) => structuredClone(r.row))
        .sort((a, b) => a.timeMs - b.timeMs || a.factor.localeCompare(b.factor));
    },
  };
}
