/** Formatting shared by the screens: API times (ISO 8601 with offset) shown as wall time, and the reverse for inputs. */

/** `2024-05-01T08:00:00.000+08:00` → `2024-05-01 08:00:00` (the API already answers in the collector's zone). */
export function showTime(iso: string | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** An instant as ISO 8601 with the browser's offset, e.g. `2024-05-01T08:00:00+08:00` (what the API takes). */
export function isoWithOffset(ms: number): string {
  const d = new Date(ms);
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** A `datetime-local` input's value (browser wall time) as ISO 8601 with offset; undefined when empty or invalid. */
export function localInputToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : isoWithOffset(ms);
}

/** An instant as a `datetime-local` input value (browser wall time, minutes). */
export function msToLocalInput(ms: number): string {
  return isoWithOffset(ms).slice(0, 16);
}

/** A number for a table cell: at most 4 significant decimals, no trailing zeros. */
export function showNumber(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '';
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(4)));
}
