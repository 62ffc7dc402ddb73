/**
 * A {@link Batcher} with a byte cap on what is queued or being written: past the cap items are dropped and counted
 * (drop-and-count), so a flood of bad frames cannot grow the process's memory through a side-effect queue such as
 * the raw frame archive. `backedUp` (over half the cap) lets the server pause sockets until the queue drains.
 */
import { Batcher } from './batcher.js';

export class CappedBatcher<T> {
  private readonly inner: Batcher<T>;
  private bytes = 0;
  dropped = 0;

  constructor(
    flushFn: (items: T[]) => Promise<void>,
    onError: (err: unknown, items: T[]) => void,
    private readonly maxBytes: number,
    private readonly sizeOf: (item: T) => number,
    private readonly onDrop: () => void,
  ) {
    this.inner = new Batcher<T>(
      async (items) => {
        try {
          await flushFn(items);
        } finally {
          for (const item of items) this.bytes -= this.sizeOf(item);
        }
      },
      onError,
    );
  }

  /** Queue `item`; false (and counted) when the cap would be exceeded. */
  push(item: T): boolean {
    const n = this.sizeOf(item);
    if (this.bytes + n > this.maxBytes) {
      this.dropped++;
      this.onDrop();
      return false;
    }
    this.bytes += n;
    this.inner.push(item);
    return true;
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  get backedUp(): boolean {
    return this.bytes > this.maxBytes / 2;
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }
}
