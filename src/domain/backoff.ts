/**
 * Keyed lockouts with exponential backoff (source-address bans, password lockouts). Each strike locks the key for
 * `baseMs · 2^(strikes-1)`, at most `maxMs`; strikes are forgotten after `forgetMs` without a new one. At most
 * `maxEntries` keys are held (the least recently struck are forgotten first), so memory stays bounded whatever the
 * number of source addresses.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Strikes are forgotten after this long without a new one. Default `2 · maxMs`. */
  forgetMs?: number;
  maxEntries: number;
}

interface Lock {
  strikes: number;
  until: number;
  lastAt: number;
}

export class Backoff {
  private readonly locks = new Map<string, Lock>();
  private readonly forgetMs: number;

  constructor(private readonly opts: BackoffOptions) {
    this.forgetMs = opts.forgetMs ?? 2 * opts.maxMs;
  }

  /** Lock `key` once more; returns the lock's duration in ms (0 when locking is disabled by `baseMs` 0). */
  strike(key: string, now: number): number {
    if (this.opts.baseMs <= 0) return 0;
    const prev = this.current(key, now);
    const strikes = (prev?.strikes ?? 0) + 1;
    const ms = Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** Math.min(strikes - 1, 30));
    this.locks.delete(key);
    this.locks.set(key, { strikes, until: now + ms, lastAt: now });
    while (this.locks.size > this.opts.maxEntries) {
      const oldest = this.locks.keys().next().value;
      if (oldest === undefined) break;
      this.locks.delete(oldest);
    }
    return ms;
  }

  /** Milliseconds `key` stays locked; 0 when it is free. */
  lockedFor(key: string, now: number): number {
    const lock = this.locks.get(key);
    return lock && lock.until > now ? lock.until - now : 0;
  }

  /** Strikes still remembered for `key` (a struck key is struck again at its next offence, without a new allowance). */
  strikes(key: string, now: number): number {
    return this.current(key, now)?.strikes ?? 0;
  }

  /** Forget `key` (a successful login clears its address's record). */
  clear(key: string): void {
    this.locks.delete(key);
  }

  get size(): number {
    return this.locks.size;
  }

  prune(now: number): void {
    for (const [key, lock] of this.locks) if (now - lock.lastAt > this.forgetMs && lock.until <= now) this.locks.delete(key);
  }

  private current(key: string, now: number): Lock | undefined {
    const lock = this.locks.get(key);
    if (lock && now - lock.lastAt > this.forgetMs && lock.until <= now) {
      this.locks.delete(key);
      return undefined;
    }
    return lock;
  }
}

/** Events per key in a fixed window (a cheap counter: one number pair per key); bounded like {@link Backoff}. */
export class WindowCounter {
  private readonly counts = new Map<string, { start: number; n: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {}

  /** Count one event; returns the events of `key` in its current window, this one included. */
  add(key: string, now: number): number {
    let c = this.counts.get(key);
    if (!c || now - c.start >= this.windowMs) {
      this.counts.delete(key);
      c = { start: now, n: 0 };
      this.counts.set(key, c);
      while (this.counts.size > this.maxEntries) {
        const oldest = this.counts.keys().next().value;
        if (oldest === undefined) break;
        this.counts.delete(oldest);
      }
    }
    return ++c.n;
  }

  clear(key: string): void {
    this.counts.delete(key);
  }

  prune(now: number): void {
    for (const [key, c] of this.counts) if (now - c.start >= this.windowMs) this.counts.delete(key);
  }
}
