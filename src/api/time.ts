/**
 * Times in and out of the API are ISO 8601 with an offset. Readings are shown in a time zone (the collector's by
 * default), so a DataTime comes back with the same wall-clock digits the collector sent. Offsets come from the
 * codec's cached `zoneOffset`, the same one that turned the DataTime into an instant.
 */
import { zoneOffset } from '../../protocol/index.js';

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    zoneOffset(0, timeZone);
    return true;
  } catch {
    return false;
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2024-05-01T08:00:00+08:00` (milliseconds only when not zero) for an epoch-ms instant in a time zone. */
export function formatInZone(ms: number, timeZone: string): string {
  const offsetMs = zoneOffset(ms, timeZone);
  const wall = new Date(ms + offsetMs);
  const offsetMin = Math.round(offsetMs / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const millis = wall.getUTCMilliseconds();
  const frac = millis === 0 ? '' : `.${pad(millis, 3)}`;
  const date = `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const time = `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}${frac}`;
  return `${date}T${time}${sign}${pad(Math.trunc(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
}
