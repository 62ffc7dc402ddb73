/**
 * Latest values kept in memory per collector + kind + factor and handed to the store once per interval: a collector
 * that uploads several frames within the interval (a burst, a backlog being retransmitted, realtime every second)
 * costs one entry per factor per flush instead of one per frame. The store still compares times (never moves a
 * value backwards); only the newest entry of each key is sent. Flushed on graceful close (UploadStore.flush).
 */
import type { LatestEntry } from '../domain/ports.js';

export class LatestCoalescer {
  private pending = new Map<string, LatestEntry>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly flushFn: (entries: LatestEntry[]) => Promise<void>,
    private readonly onError: (err: unknown) => void,
    /** Distinct keys held before a flush is forced (bounds memory whatever the interval). */
    private readonly maxKeys = 5000,
    private readonly intervalMs = 1000,
  ) {}

  push(entry: LatestEntry): void {
    const key = `${entry.mn}\n${entry.kind}\n${entry.factor}`;
    const held = this.pending.get(key);
    // Equal times replace, as in the store: a corrected resend of the same DataTime wins.
    if (held === undefined || held.timeMs <= entry.timeMs) this.pending.set(key, entry);
    if (this.pending.size >= this.maxKeys) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.intervalMs);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size > 0) {
      const entries = [...this.pending.values()];
      this.pending = new Map();
      this.flushing = this.flushing.then(() => this.flushFn(entries).catch((err) => this.onError(err)));
    }
    return this.flushing;
  }
}
