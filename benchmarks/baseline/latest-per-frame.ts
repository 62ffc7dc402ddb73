/**
 * The latest-value path with one entry object per factor per frame, kept as the A side of benchmarks/latest-ab.ts:
 * every stored frame becomes one LatestEntry (with its `values` record) per factor, pushed into a gateway-side
 * coalescer (nested maps, flushed every second) whose flush hands them to a second holder in the store adapter
 * (the same nested maps, written every 5 s). Benchmark code only: the adapter's write is the caller's function.
 */
import type { CpData } from '../../protocol/index.js';
import type { LatestEntry } from '../../src/domain/ports.js';
import { NUMERIC_FIELD_OF_CP, STRING_FIELD_OF_CP } from '../../src/domain/reading-schema.js';

const LATEST_FIELDS = [...NUMERIC_FIELD_OF_CP, ...STRING_FIELD_OF_CP];

/** One entry per factor of a stored frame. */
export function latestEntries(mn: string, kind: string, cp: CpData, timeMs: number): LatestEntry[] {
  const out: LatestEntry[] = [];
  for (const reading of cp.factors) {
    const values: Record<string, string> = {};
    for (const [key, name] of LATEST_FIELDS) {
      const v = reading[key];
      if (typeof v === 'string') values[name] = v;
    }
    out.push({ mn, factor: reading.code, kind, timeMs, values });
  }
  return out;
}

export type Table = Map<string, Map<string, Map<string, LatestEntry>>>;

/** Newest entry per MN + kind + factor (equal times: the later); returns the entries added. */
function hold(table: Table, entries: Iterable<LatestEntry>): number {
  let added = 0;
  for (const e of entries) {
    let byKind = table.get(e.mn);
    if (!byKind) table.set(e.mn, (byKind = new Map()));
    let byFactor = byKind.get(e.kind);
    if (!byFactor) byKind.set(e.kind, (byFactor = new Map()));
    const before = byFactor.get(e.factor);
    if (before === undefined) added++;
    if (before === undefined || before.timeMs <= e.timeMs) byFactor.set(e.factor, e);
  }
  return added;
}

/** The store adapter's grouping of a list of entries before it encodes them (both sides end here). */
export function groupEntries(entries: Iterable<LatestEntry>): Table {
  const table: Table = new Map();
  hold(table, entries);
  return table;
}

/** Both holders; the caller drives the two intervals (`flushGateway` every second, `flushAdapter` every 5 s). */
export class PerFrameLatest {
  private gateway: Table = new Map();
  private adapter: Table = new Map();

  constructor(private readonly write: (table: Table) => Promise<void>) {}

  push(mn: string, kind: string, cp: CpData, timeMs: number): void {
    hold(this.gateway, latestEntries(mn, kind, cp, timeMs));
  }

  /** The gateway coalescer's flush: its entries, collected into a list, into the adapter's holder. */
  flushGateway(): Promise<void> {
    const entries: LatestEntry[] = [];
    for (const byKind of this.gateway.values()) for (const byFactor of byKind.values()) for (const e of byFactor.values()) entries.push(e);
    this.gateway = new Map();
    hold(this.adapter, entries);
    return Promise.resolve();
  }

  flushAdapter(): Promise<void> {
    const table = this.adapter;
    this.adapter = new Map();
    return this.write(table);
  }
}
