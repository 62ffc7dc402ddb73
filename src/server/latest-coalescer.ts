/**
 * Latest values kept in memory per collector + kind + factor and handed to the store once per interval: a collector
 * that uploads several frames within the interval (a burst, a backlog being retransmitted, realtime every second)
 * costs one entry per factor per flush instead of one per frame. The store still compares times (never moves a
 * value backwards); only the newest entry of each key is sent. Flushed on graceful close (UploadStore.flush).
 */
import type { LatestEntry } from '../domain/ports.js';

export class LatestCoalescer {
  /** Per MN, kind and factor the newest entry: nested maps, no key string built per entry. */
  private pending = new Map<string, Map<string, Map<string, LatestEntry>>>();
  private size = 0;
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
    let byKind = this.pending.get(entry.mn);
    if (!byKind) this.pending.set(entry.mn, (byKind = new Map()));
    let byFactor = byKind.get(entry.kind);
    if (!byFactor) byKind.set(entry.kind, (byFactor = new Map()));
    const held = byFactor.get(entry.factor);
    if (held === undefined) this.size++;
    // Equal times replace, as in the store: a corrected resend of the same DataTime wins.
    if (held === undefined || held.timeMs <= entry.timeMs) byFactor.set(entry.factor, entry);
    if (this.size >= this.maxKeys) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.intervalMs);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.size > 0) {
      const entries: LatestEntry[] = [];
      for (const byKind of this.pending.values()) for (const byFactor of byKind.values()) for (const e of byFactor.values()) entries.push(e);
      this.pending = new Map();
      this.size = 0;
      this.flushing = this.flushing.then(() => this.flushFn(entries).catch((err) => this.onError(err)));
    }
    return this.flushing;
  }
}
