/**
 * The period grid of the checks, in the collector's local time (HJ212-2017, SPEC.md §5: DataTime of minute, hour and day
 * data is the START of the interval, local time). Periods divide a local day, so they are aligned on local
 * midnight; zones with daylight saving are treated with the offset at each instant (China has none).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local calendar fields of an instant. */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Local calendar fields of `ms` in `timeZone`. */
export function localParts(ms: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatterOf(timeZone).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

/** Offset of local time from UTC at `ms`, in ms (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** Start of the period of length `periodMs` containing `ms`, aligned on local midnight. */
export function periodStartOf(ms: number, periodMs: number, timeZone: string): number {
  const offset = zoneOffsetMs(ms, timeZone);
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

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `yyyyMMddHHmmss` in local time: the format of DataTime, BeginTime and EndTime (HJ212-2017 6.6.3). */
export function formatLocalTime(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${pad(p.year, 4)}${pad(p.month)}${pad(p.day)}${pad(p.hour)}${pad(p.minute)}${pad(p.second)}`;
}

/** A request number: `yyyyMMddHHmmssSSS` local time (HJ212-2017 6.3.2 table 5, QN). */
export function formatQn(ms: number, timeZone: string): string {
  return `${formatLocalTime(ms, timeZone)}${pad(((ms % 1000) + 1000) % 1000, 3)}`;
}

/** `YYYY-MM` of the local month containing `ms`. */
export function monthOf(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}`;
}

/** [start, end) of a local month given as `YYYY-MM`. */
export function monthRange(month: string, timeZone: string): { startMs: number; endMs: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) throw new RangeError(`month must be YYYY-MM: ${month}`);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  return { startMs: localMidnight(year, mon, 1, timeZone), endMs: mon === 12 ? localMidnight(year + 1, 1, 1, timeZone) : localMidnight(year, mon + 1, 1, timeZone) };
}

function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day);
  return guess - zoneOffsetMs(guess - zoneOffsetMs(guess, timeZone), timeZone);
}

/** Group sorted period starts into runs of consecutive periods: [[first, last], ...], each at most `maxPeriods` long. */
export function contiguousRuns(starts: readonly number[], periodMs: number, maxPeriods: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const s of [...starts].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && s - last[1] === periodMs && (s - last[0]) / periodMs < maxPeriods) last[1] = s;
    else if (!last || s !== last[1]) runs.push([s, s]);
  }
  return runs;
}
