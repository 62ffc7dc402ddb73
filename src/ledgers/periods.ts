/**
 * The period grid of the checks, in the collector's local time (HJ212-2017 6.3.3, docs/protocol.md §5: DataTime of minute, hour and
 * day data is the START of the interval, local time). Periods divide a local day, so they are aligned on local
 * midnight; zones with daylight saving are treated with the offset at each instant (China has none).
 */
import { formatDataTime, zoneOffset } from '../../protocol/index.js';

/** Start of the period of length `periodMs` containing `ms`, aligned on local midnight. */
export function periodStartOf(ms: number, periodMs: number, timeZone: string): number {
  const offset = zoneOffset(ms, timeZone);
  return Math.floor((ms + offset) / periodMs) * periodMs - offset;
}

/** Period starts s with fromMs <= s < toMs. */
export function periodStarts(fromMs: number, toMs: number, periodMs: number, timeZone: string): number[] {
  const out: number[] = [];
  let s = periodStartOf(fromMs, periodMs, timeZone);
  if (s < fromMs) s += periodMs;
  for (; s < toMs; s += periodMs) out.push(s);
  return out;
}

/** `YYYY-MM` of the local month containing `ms`. */
export function monthOf(ms: number, timeZone: string): string {
  const t = formatDataTime(ms, timeZone);
  return `${t.slice(0, 4)}-${t.slice(4, 6)}`;
}

/** [start, end) of a local month given as `YYYY-MM`. */
export function monthRange(month: string, timeZone: string): { startMs: number; endMs: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) throw new RangeError(`month must be YYYY-MM: ${month}`);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  return { startMs: localMidnight(year, mon, timeZone), endMs: mon === 12 ? localMidnight(year + 1, 1, timeZone) : localMidnight(year, mon + 1, timeZone) };
}

/** Local midnight starting the first day of a month. */
function localMidnight(year: number, month: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, 1);
  return wall - zoneOffset(wall - zoneOffset(wall, timeZone), timeZone);
}

/** The month before `YYYY-MM`. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** Group period starts into runs of consecutive periods: [[first, last], ...], each at most `maxPeriods` long. */
export function contiguousRuns(starts: readonly number[], periodMs: number, maxPeriods: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const s of [...starts].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && s - last[1] === periodMs && (s - last[0]) / periodMs < maxPeriods) last[1] = s;
    else if (!last || s !== last[1]) runs.push([s, s]);
  }
  return runs;
}
