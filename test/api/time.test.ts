/** ISO 8601 output of the API in a collector's zone. */
import t from 'tap';
import { formatInZone, isTimeZone } from '../../src/api/time.js';

t.test('formats an instant with the zone offset in force', async (tt) => {
  const ms = Date.UTC(2024, 4, 1, 0, 0, 0);
  tt.equal(formatInZone(ms, 'Asia/Shanghai'), '2024-05-01T08:00:00+08:00');
  tt.equal(formatInZone(ms, 'UTC'), '2024-05-01T00:00:00+00:00');
  tt.equal(formatInZone(ms, 'Asia/Kolkata'), '2024-05-01T05:30:00+05:30', 'half-hour offsets');
  tt.equal(formatInZone(ms, 'America/St_Johns'), '2024-04-30T21:30:00-02:30', 'negative half-hour offsets');
});

t.test('milliseconds only when not zero, date rolls over', async (tt) => {
  tt.equal(formatInZone(Date.UTC(2024, 11, 31, 16, 0, 0, 7), 'Asia/Shanghai'), '2025-01-01T00:00:00.007+08:00');
});

t.test('follows daylight saving time', async (tt) => {
  tt.equal(formatInZone(Date.UTC(2024, 0, 15, 12), 'America/New_York'), '2024-01-15T07:00:00-05:00');
  tt.equal(formatInZone(Date.UTC(2024, 6, 15, 12), 'America/New_York'), '2024-07-15T08:00:00-04:00');
});

t.test('the output parses back to the same instant', async (tt) => {
  for (const ms of [0, 1_700_000_000_123, Date.UTC(2026, 2, 29, 1, 30)]) {
    for (const zone of ['Asia/Shanghai', 'Europe/Berlin', 'Pacific/Chatham']) {
      tt.equal(Date.parse(formatInZone(ms, zone)), ms, `${ms} in ${zone}`);
    }
  }
});

t.test('isTimeZone knows IANA names only', async (tt) => {
  tt.ok(isTimeZone('Asia/Shanghai'));
  tt.ok(isTimeZone('UTC'));
  tt.notOk(isTimeZone('Mars/Olympus'));
  tt.notOk(isTimeZone(''));
});
