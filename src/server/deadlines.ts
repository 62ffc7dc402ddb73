/**
 * Deadlines of all collector connections (idle timeout, unfinished-frame timeout) kept by one timer instead of a
 * timer per socket: a wheel of buckets of `tickMs`, each holding the connections whose deadline falls in it. Moving a
 * deadline later (a frame arrived) only writes a number: the connection stays in its bucket and is moved when that
 * bucket comes due. A deadline is therefore met up to one tick late, never early.
 */

/** Something with a deadline: `expire` is called once `now >= deadline` (it closes, or sets a later deadline). */
export interface Expiring {
  /** Clock time (ms) when `expire` is due; Infinity for none. */
  deadline: number;
  /** Bucket the wheel holds it in (managed by the wheel; -1 when not held). */
  bucket: number;
  expire(now: number): void;
}

export class DeadlineWheel {
  private readonly buckets = new Map<number, Set<Expiring>>();
  private readonly timer: NodeJS.Timeout;
  /** The last bucket handled by a tick. */
  private done: number;

  constructor(
    private readonly tickMs: number,
    private readonly now: () => number,
  ) {
    this.done = Math.floor(now() / tickMs);
    this.timer = setInterval(() => this.tick(this.now()), tickMs);
    this.timer.unref();
  }

  /** Puts `item` in the bucket of its deadline, or takes it out when it has none. Call after moving a deadline earlier. */
  schedule(item: Expiring): void {
    const bucket = item.deadline === Number.POSITIVE_INFINITY ? -1 : Math.max(this.done + 1, Math.ceil(item.deadline / this.tickMs));
    if (bucket === item.bucket) return;
    this.remove(item);
    if (bucket < 0) return;
    let set = this.buckets.get(bucket);
    if (!set) this.buckets.set(bucket, (set = new Set()));
    set.add(item);
    item.bucket = bucket;
  }

  /** Forgets `item` (its connection closed). */
  remove(item: Expiring): void {
    if (item.bucket < 0) return;
    const set = this.buckets.get(item.bucket);
    if (set) {
      set.delete(item);
      if (set.size === 0) this.buckets.delete(item.bucket);
    }
    item.bucket = -1;
  }

  /** Handles every bucket due by `now`: expires what is due, moves what was pushed later. */
  tick(now: number): void {
    const last = Math.floor(now / this.tickMs);
    // The buckets held are few (one per tick of the longest timeout): look at them, not at every tick since the last.
    const due = [...this.buckets.keys()].filter((b) => b <= last).sort((a, b) => a - b);
    for (const b of due) {
      const set = this.buckets.get(b)!;
      this.buckets.delete(b);
      for (const item of set) {
        item.bucket = -1;
        if (item.deadline <= now) item.expire(now);
        // Not due yet (moved later meanwhile), or expire set a new deadline.
        if (item.bucket < 0 && item.deadline !== Number.POSITIVE_INFINITY) this.schedule(item);
      }
    }
    this.done = Math.max(this.done, last);
  }

  stop(): void {
    clearInterval(this.timer);
    this.buckets.clear();
  }
}
