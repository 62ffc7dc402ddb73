/**
 * Aggregated logging for misbehaving or hostile traffic: events are counted per key (a connection, a source
 * address, an MN) and written as one summary line per key per interval, never one line per bad frame. The number of
 * keys held is bounded; events for keys beyond the bound are counted together and reported in one line.
 */
import type { Logger } from '../log.js';

export interface LogSummaryOptions {
  /** A key's counts are written at most once per interval (and when the key is closed). */
  intervalMs: number;
  /** Keys held at once; events for more keys are summed into one overflow line. */
  maxKeys: number;
  /** Message of every summary line. */
  message: string;
  level?: 'warn' | 'info';
}

interface Entry {
  fields: Record<string, unknown>;
  counts: Map<string, number>;
  total: number;
}

/** Longest sample detail kept (details can quote device-controlled text). */
const MAX_DETAIL = 200;

export class LogSummary {
  private readonly entries = new Map<string, Entry>();
  private overflow = 0;
  private lastFlush: number;
  /** Summary lines written so far (tests and the fault suite bound log volume with it). */
  lines = 0;

  constructor(
    private readonly log: Logger,
    private readonly opts: LogSummaryOptions,
    now = Date.now(),
  ) {
    this.lastFlush = now;
  }

  /**
   * Count one event `what` under `key`. `fields` (called only for a key's first event in an interval) describe the
   * key and carry a sample of the first event.
   */
  note(key: string, what: string, fields: () => Record<string, unknown>): void {
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= this.opts.maxKeys) {
        this.overflow++;
        return;
      }
      const f = fields();
      if (typeof f.detail === 'string' && f.detail.length > MAX_DETAIL) f.detail = `${f.detail.slice(0, MAX_DETAIL)}…`;
      entry = { fields: f, counts: new Map(), total: 0 };
      this.entries.set(key, entry);
    }
    entry.counts.set(what, (entry.counts.get(what) ?? 0) + 1);
    entry.total++;
  }

  /** Write one line for `key` now (a connection closing) and forget it. */
  flushKey(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.write(entry);
  }

  /** Write every key's line when the interval has passed; called periodically. */
  tick(now: number): void {
    if (now - this.lastFlush < this.opts.intervalMs) return;
    this.flush(now);
  }

  flush(now = Date.now()): void {
    this.lastFlush = now;
    for (const entry of this.entries.values()) this.write(entry);
    this.entries.clear();
    if (this.overflow > 0) {
      this.emit({ events: this.overflow, keys: 'overflow' }, `${this.opts.message} (more sources than the summary holds)`);
      this.overflow = 0;
    }
  }

  private write(entry: Entry): void {
    this.emit({ ...entry.fields, events: entry.total, counts: Object.fromEntries(entry.counts) }, this.opts.message);
  }

  private emit(obj: Record<string, unknown>, msg: string): void {
    this.lines++;
    if (this.opts.level === 'info') this.log.info(obj, msg);
    else this.log.warn(obj, msg);
  }
}
