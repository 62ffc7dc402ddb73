/**
 * The validity window of a monitoring item for one collector: periods are expected, and readings judged, from the
 * later of the item's `startAt` and the collector's binding to the point (`boundAt`) until the item's `endAt`. Gap
 * detection, the anomaly rules, the monthly ledger and the first scan all use this one definition.
 */
import type { CheckItem } from '../domain/ledgers.js';

/** True when the whole period [start, end) lies inside the item's validity window. */
export function inValidity(item: Pick<CheckItem, 'startMs' | 'endMs'>, start: number, end: number): boolean {
  return (item.startMs === undefined || start >= item.startMs) && (item.endMs === undefined || end <= item.endMs);
}

/** The validity window clipped to [fromMs, toMs); empty (from >= to) when they do not meet. */
export function clipToValidity(item: Pick<CheckItem, 'startMs' | 'endMs'>, fromMs: number, toMs: number): { fromMs: number; toMs: number } {
  return { fromMs: Math.max(fromMs, item.startMs ?? -Infinity), toMs: Math.min(toMs, item.endMs ?? Infinity) };
}
