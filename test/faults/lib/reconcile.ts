/**
 * What collectors were told against what InfluxDB holds, by MN and DataTime: every reading that received a 9014
 * must be stored exactly once (one point per factor, never more), and readings never acked must not be stored
 * twice either. InfluxDB keys a point by series and time, so a repeated write overwrites: "duplicated" counts
 * points beyond the upload's factor count (a second series for one reading, e.g. another tag set).
 */
import type { ReadingRecord } from './readings-load.js';

export interface Reconciliation {
  readings: number;
  acked: number;
  /** Readings with all their points in InfluxDB. */
  stored: number;
  /** Readings with more points than factors. */
  duplicated: number;
  /** Acked readings with missing points: the promise broken. Must be 0. */
  lost: number;
  /** Readings never acked (rejected or given up) that are nevertheless stored. */
  unackedStored: number;
  /** Up to 5 keys of lost readings, for the failure message. */
  lostSample: string[];
}

interface QueryAnswer {
  results?: Array<{ error?: string; series?: Array<{ tags?: Record<string, string>; values?: unknown[][] }> }>;
  error?: string;
}

/** Points per `mn|DataTime ms` of a measurement. */
export async function storedPoints(influxUrl: string, database: string, measurement: string): Promise<Map<string, number>> {
  const q = `SELECT "raw" FROM "${measurement}" GROUP BY "mn", "factor"`;
  const res = await fetch(`${influxUrl}/query?db=${encodeURIComponent(database)}&epoch=ms&q=${encodeURIComponent(q)}`);
  const body = (await res.json()) as QueryAnswer;
  const error = body.error ?? body.results?.find((r) => r.error)?.error;
  if (!res.ok || error) throw new Error(`InfluxDB query failed (${res.status}): ${error ?? ''}`);
  const counts = new Map<string, number>();
  for (const s of body.results?.[0]?.series ?? []) {
    for (const row of s.values ?? []) {
      const key = `${s.tags?.mn ?? ''}|${String(row[0])}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

export function reconcile(records: readonly ReadingRecord[], points: ReadonlyMap<string, number>): Reconciliation {
  const r: Reconciliation = { readings: records.length, acked: 0, stored: 0, duplicated: 0, lost: 0, unackedStored: 0, lostSample: [] };
  for (const rec of records) {
    const key = `${rec.mn}|${rec.dataTimeMs}`;
    const n = points.get(key) ?? 0;
    const acked = rec.outcome === 'acked';
    if (acked) r.acked++;
    if (n >= rec.factors) r.stored++;
    if (n > rec.factors) r.duplicated++;
    if (acked && n < rec.factors) {
      r.lost++;
      if (r.lostSample.length < 5) r.lostSample.push(`${key} (${n}/${rec.factors} points)`);
    }
    if (!acked && n > 0) r.unackedStored++;
  }
  return r;
}

/**
 * Seconds from `faultEnd` until every reading uploaded before it had its 9014: how long the backlog of the fault
 * took to drain. 0 when nothing was waiting.
 */
export function recoverySeconds(records: readonly ReadingRecord[], faultEnd: number): number {
  let last = faultEnd;
  for (const r of records) if (r.sentAt < faultEnd && r.outcome === 'acked' && r.doneAt !== undefined) last = Math.max(last, r.doneAt);
  return Math.round((last - faultEnd) / 100) / 10;
}

/** Acks received inside [from, to]. */
export function acksBetween(records: readonly ReadingRecord[], from: number, to: number): number {
  return records.filter((r) => r.outcome === 'acked' && r.doneAt !== undefined && r.doneAt >= from && r.doneAt <= to).length;
}
