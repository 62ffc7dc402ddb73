/**
 * CSV of readings (RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line
 * break). Text that a spreadsheet would run as a formula (starting with = + - @ or a tab) gets a leading `'`
 * (OWASP CSV injection advice); numbers are written as numbers and never altered.
 */
import { NUMERIC_FIELDS, TEXT_FIELDS, type Reading } from '../domain/readings.js';
import { formatInZone } from './time.js';

/** Column order of the CSV. */
export const CSV_COLUMNS = ['time', 'mn', 'factor', 'st', ...NUMERIC_FIELDS, ...TEXT_FIELDS, 'invalid', 'source', 'rejected'] as const;

export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;

function quote(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line (with CRLF) for a reading, its time shown in `timeZone`. */
export function csvLine(reading: Reading, timeZone: string): string {
  const cells: string[] = [formatInZone(reading.timeMs, timeZone), quote(reading.mn), quote(reading.factor), quote(reading.st ?? '')];
  for (const f of NUMERIC_FIELDS) cells.push(reading[f] === undefined ? '' : String(reading[f]));
  for (const f of TEXT_FIELDS) cells.push(reading[f] === undefined ? '' : quote(reading[f] as string));
  cells.push(reading.invalid ? 'true' : 'false', reading.source, reading.rejected ? 'true' : 'false');
  return `${cells.join(',')}\r\n`;
}
