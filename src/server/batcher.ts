/**
 * Collects items and hands them over in one call per tick or per `max` items, so per-frame side writes
 * (the archive through capped-batcher.ts, dedupe keys) cost one Redis round trip per batch instead of one per frame.
 */
export class Batcher<T> {
  private items: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly flushFn: (items: T[]) => Promise<void>,
    private readonly onError: (err: unknown, items: T[]) => void,
    private readonly max = 1000,
    private readonly delayMs = 50,
  ) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length >= this.max) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.items;
    this.items = [];
    if (items.length > 0) {
      this.flushing = this.flushing.then(() => this.flushFn(items).catch((err) => this.onError(err, items)));
    }
    return this.flushing;
  }
}
