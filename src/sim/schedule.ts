/**
 * Upload schedules of a collector (HJ212-2017 6.5): realtime data every RtdInterval seconds (2011), minute data
 * every MinInterval minutes (2051), hourly (2061) and daily (2031) data. Interval data is sent when its interval
 * has ended and carries the interval's start as DataTime; boundaries are aligned to the device's wall clock.
 */
import { zoneOffset } from '../../protocol/index.js';

/** What a collector uploads and how often. 0 (or false) turns a kind off. */
export interface Schedule {
  /** Realtime (2011) interval in seconds. */
  realtimeS: number;
  /** Minute-data (2051) interval in minutes (MinInterval); must divide 60. */
  minuteMin: number;
  /** Hourly data (2061). */
  hour: boolean;
  /** Daily data (2031). */
  day: boolean;
}

/** An upload due at `at`, carrying data of `dataTime` (both epoch ms). */
export interface UploadEvent {
  cn: '2011' | '2051' | '2061' | '2031';
  at: number;
  dataTime: number;
  /** Interval length for 2051/2061/2031, 0 for realtime. */
  lengthMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** First boundary of period `period` (aligned in `timeZone`) strictly after `t`. */
function nextBoundary(t: number, period: number, timeZone: string): number {
  const off = zoneOffset(t, timeZone);
  return Math.floor((t + off) / period) * period + period - off;
}

interface Stream {
  cn: UploadEvent['cn'];
  period: number;
  next: number;
}

/**
 * Events of `schedule` after `from`, in time order, forever (callers stop by time or count). Realtime events are
 * offset by `phaseMs` so a fleet does not upload in lock-step; when two events fall on the same instant the realtime
 * one comes first, then minute, hour, day (the order real collectors send them in).
 */
export function* scheduleEvents(schedule: Schedule, from: number, timeZone = 'Asia/Shanghai', phaseMs = 0): Generator<UploadEvent> {
  const streams: Stream[] = [];
  if (schedule.realtimeS > 0) {
    const period = schedule.realtimeS * 1000;
    streams.push({ cn: '2011', period, next: from + (((phaseMs % period) + period) % period) });
  }
  if (schedule.minuteMin > 0) streams.push({ cn: '2051', period: schedule.minuteMin * MINUTE, next: 0 });
  if (schedule.hour) streams.push({ cn: '2061', period: HOUR, next: 0 });
  if (schedule.day) streams.push({ cn: '2031', period: DAY, next: 0 });
  for (const s of streams) if (s.cn !== '2011') s.next = nextBoundary(from, s.period, timeZone);
  if (streams.length === 0) return;
  for (;;) {
    let first = streams[0]!;
    for (const s of streams) if (s.next < first.next) first = s;
    const at = first.next;
    first.next = first.cn === '2011' ? at + first.period : nextBoundary(at, first.period, timeZone);
    if (first.cn === '2011') yield { cn: '2011', at, dataTime: Math.floor(at / 1000) * 1000, lengthMs: 0 };
    else yield { cn: first.cn, at, dataTime: at - first.period, lengthMs: first.period };
  }
}

/**
 * Interval starts of `cn` data between `begin` and `end` inclusive (a history request's BeginTime/EndTime),
 * aligned like the schedule. Bounded by `limit` so a request for years of minute data stays answerable.
 */
export function historyStarts(cn: '2051' | '2061' | '2031', begin: number, end: number, minuteMin: number, timeZone = 'Asia/Shanghai', limit = 1000): number[] {
  const period = cn === '2051' ? Math.max(1, minuteMin) * MINUTE : cn === '2061' ? HOUR : DAY;
  const starts: number[] = [];
  let t = nextBoundary(begin - 1, period, timeZone);
  while (t <= end && starts.length < limit) {
    starts.push(t);
    t = nextBoundary(t, period, timeZone);
  }
  return starts;
}

/** Length in ms of one interval of a history CN. */
export function intervalLength(cn: '2051' | '2061' | '2031', minuteMin: number): number {
  return cn === '2051' ? Math.max(1, minuteMin) * MINUTE : cn === '2061' ? HOUR : DAY;
}
