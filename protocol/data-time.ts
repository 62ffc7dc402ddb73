/**
 * HJ212 timestamps (`DataTime`, `SystemTime`, `BeginTime` …: yyyyMMddHHmmss; QN: yyyyMMddHHmmsszzz, HJ212-2017 6.3.2)
 * are wall-clock times of the device's zone, by default China Standard Time. Conversion needs the zone's UTC offset,
 * which comes from Intl; Intl is slow (formatToParts measured ~3 µs a call), so offsets are cached per zone and
 * 15-minute UTC bucket (zone transitions fall on quarter hours), and dates are computed arithmetically without Date.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BUCKET = 15 * MINUTE;
/** Cache entries per zone before the zone's cache is dropped (one year of buckets is 35,040). */
const MAX_CACHED = 50_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month, day] of a day count since 1970-01-01 (civil_from_days). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();
/**
 * The last two answers (zone, bucket, offset), newest first: fromWall asks for two instants a zone offset apart, and
 * the frames of a time span ask for the same two again.
 */
let zoneA = '';
let bucketA = Number.NaN;
let offsetA = 0;
let zoneB = '';
let bucketB = Number.NaN;
let offsetB = 0;

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset (wall clock minus UTC, ms) of `timeZone` at the instant `utcMs`, from Intl. */
function computeOffset(utcMs: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(utcMs)) p[part.type] = Number(part.value);
  const wall = daysFromCivil(p.year!, p.month!, p.day!) * DAY + p.hour! * HOUR + p.minute! * MINUTE + p.second! * 1000;
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * UTC offset in ms of `timeZone` at the instant `utcMs` (cached per 15-minute bucket).
 * Throws a RangeError for an unknown zone (a configuration error).
 */
export function zoneOffset(utcMs: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const bucket = Math.floor(utcMs / BUCKET);
  if (bucket === bucketA && timeZone === zoneA) return offsetA;
  if (bucket === bucketB && timeZone === zoneB) return offsetB;
  let cache = offsets.get(timeZone);
  if (!cache || cache.size > MAX_CACHED) offsets.set(timeZone, (cache = new Map()));
  let off = cache.get(bucket);
  if (off === undefined) {
    off = computeOffset(bucket * BUCKET, timeZone);
    cache.set(bucket, off);
  }
  zoneB = zoneA;
  bucketB = bucketA;
  offsetB = offsetA;
  zoneA = timeZone;
  bucketA = bucket;
  offsetA = off;
  return off;
}

/** Value of `n` decimal digits at `text[at]`, or -1 if any is not a digit. */
function digits(text: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = text.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Value of `n` decimal digits at `codes[at]`, or -1 if any is not a digit. */
function digitsAt(codes: ArrayLike<number>, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = codes[i]! - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** True when the fields are a real date-time (-1: not digits). */
function isWall(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): boolean {
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || ms < 0) return false;
  return d <= daysInMonth(y, mo);
}

/** Wall-clock ms (as if UTC) of the fields of a date-time, or undefined if they are not a real date-time (-1: not digits). */
function wallOf(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | undefined {
  if (!isWall(y, mo, d, h, mi, s, ms)) return undefined;
  return daysFromCivil(y, mo, d) * DAY + h * HOUR + mi * MINUTE + s * 1000 + ms;
}

/** Wall-clock ms (as if UTC) of a yyyyMMddHHmmss[zzz] text, or undefined if it is not a real date-time. */
function parseWall(text: string): number | undefined {
  const n = text.length;
  if (n !== 14 && n !== 17) return undefined;
  const ms = n === 17 ? digits(text, 14, 3) : 0;
  return wallOf(digits(text, 0, 4), digits(text, 4, 2), digits(text, 6, 2), digits(text, 8, 2), digits(text, 10, 2), digits(text, 12, 2), ms);
}

/**
 * The last real date-hour (yyyyMMddHH codes) read on codes, and its wall-clock ms: the QNs and DataTimes of an hour
 * share it (every device's), so a date is checked and converted once an hour, not twice per frame.
 */
const lastHour = new Uint16Array(10);
let lastHourBase: number | undefined;

/** Wall-clock ms (as if UTC) of the date-hour yyyyMMddHH at `codes[at]`, or undefined when it is not a real one. */
function hourAt(codes: ArrayLike<number>, at: number): number | undefined {
  if (lastHourBase !== undefined) {
    let k = 0;
    while (k < 10 && codes[at + k] === lastHour[k]) k++;
    if (k === 10) return lastHourBase;
  }
  const y = digitsAt(codes, at, 4);
  const mo = digitsAt(codes, at + 4, 2);
  const d = digitsAt(codes, at + 6, 2);
  const h = digitsAt(codes, at + 8, 2);
  if (!isWall(y, mo, d, h, 0, 0, 0)) return undefined;
  for (let k = 0; k < 10; k++) lastHour[k] = codes[at + k]!;
  lastHourBase = daysFromCivil(y, mo, d) * DAY + h * HOUR;
  return lastHourBase;
}

/** Wall-clock ms (as if UTC) of the date-time yyyyMMddHHmmss[zzz] in `codes[from, to)` ({@link parseWall} on codes). */
export function wallAt(codes: ArrayLike<number>, from: number, to: number): number | undefined {
  const n = to - from;
  if (n !== 14 && n !== 17) return undefined;
  const hour = hourAt(codes, from);
  const mi = digitsAt(codes, from + 10, 2);
  const s = digitsAt(codes, from + 12, 2);
  const ms = n === 17 ? digitsAt(codes, from + 14, 3) : 0;
  if (hour === undefined || mi < 0 || mi > 59 || s < 0 || s > 59 || ms < 0) return undefined;
  return hour + mi * MINUTE + s * 1000 + ms;
}

/** True when `codes[from, to)` is a real date-time yyyyMMddHHmmss or yyyyMMddHHmmsszzz ({@link isDataTime} on codes). */
export function isDataTimeAt(codes: ArrayLike<number>, from: number, to: number): boolean {
  return wallAt(codes, from, to) !== undefined;
}

/** True when `text` is a real date-time of the form yyyyMMddHHmmss (14 digits) or yyyyMMddHHmmsszzz (17, as QN). */
export function isDataTime(text: string): boolean {
  return parseWall(text) !== undefined;
}

/**
 * Epoch ms (UTC) of a wall-clock time yyyyMMddHHmmss (or 17 digits with milliseconds, as QN and some 2005 DataTimes)
 * in `timeZone` (IANA name, default Asia/Shanghai). Undefined when the text is not a real date-time.
 * In a DST gap or overlap the result uses the offset in force after the transition.
 */
export function parseDataTime(text: string, timeZone = 'Asia/Shanghai'): number | undefined {
  return fromWall(parseWall(text), timeZone);
}

/** Epoch ms of a wall-clock time (ms as if UTC) in `timeZone`: {@link parseDataTime} after the text was read. */
export function fromWall(wall: number | undefined, timeZone: string): number | undefined {
  if (wall === undefined) return undefined;
  const first = zoneOffset(wall, timeZone);
  const second = zoneOffset(wall - first, timeZone);
  return wall - second;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** yyyyMMddHHmmss of the instant `ms` in `timeZone` (default Asia/Shanghai). */
export function formatDataTime(ms: number, timeZone = 'Asia/Shanghai'): string {
  const wall = ms + zoneOffset(ms, timeZone);
  const days = Math.floor(wall / DAY);
  const [y, m, d] = civilFromDays(days);
  const t = wall - days * DAY;
  const h = Math.floor(t / HOUR);
  const mi = Math.floor((t % HOUR) / MINUTE);
  const s = Math.floor((t % MINUTE) / 1000);
  return pad(y, 4) + pad(m, 2) + pad(d, 2) + pad(h, 2) + pad(mi, 2) + pad(s, 2);
}

/** A QN (yyyyMMddHHmmsszzz, HJ212-2017 6.3.2) for the instant `ms` in `timeZone`. */
export function formatQn(ms: number, timeZone = 'Asia/Shanghai'): string {
  return formatDataTime(ms, timeZone) + pad(((ms % 1000) + 1000) % 1000, 3);
}
