/**
 * Times in and out of the API are ISO 8601 with an offset. Readings are shown in a time zone (the collector's by
 * default), so a DataTime comes back with the same wall-clock digits the collector sent.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
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

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const pad = (n: number, width = 2): string => String(Math.abs(n)).padStart(width, '0');

/** `2024-05-01T08:00:00+08:00` (milliseconds only when not zero) for an epoch-ms instant in a time zone. */
export function formatInZone(ms: number, timeZone: string): string {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const millis = ((ms % 1000) + 1000) % 1000;
  const offsetMin = Math.round((Date.UTC(year, month - 1, day, hour, minute, second, millis) - ms) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const frac = millis === 0 ? '' : `.${pad(millis, 3)}`;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${frac}${sign}${pad(Math.trunc(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
}
