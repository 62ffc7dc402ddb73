/**
 * Password lockout with exponential backoff, per source address and per MN (threat: guessing a collector's
 * password, HJ212-2017 6.3.1 `PW`). While a key is locked no password is evaluated at all: the frame is answered
 * 9011 QnRtn 3 and the connection closed, so a correct guess during a lockout is worth nothing.
 *
 * - Address: `limit` failures from one address within a minute lock the address (connections from it are refused
 *   at accept). After a lockout every further failure locks again, for twice as long, until the address has been
 *   quiet for `2 · maxMs`.
 * - MN: failures count against an MN only when they come from an address that is not *trusted* for it. An address
 *   is trusted for an MN for `trustMs` after a successful login of that MN from it. An MN lockout refuses only
 *   untrusted addresses, so a flood of guesses from elsewhere never locks the real collector out: its own address
 *   keeps logging in (and is itself subject to the address limit).
 * Everything is in-process and bounded (`maxEntries` keys per table).
 */
import { Backoff, WindowCounter } from './backoff.js';

export interface AuthLockoutOptions {
  /** Failures per minute (per address; per MN from untrusted addresses) before a lockout. */
  limit: number;
  baseMs: number;
  maxMs: number;
  trustMs: number;
  maxEntries: number;
}

export type LockScope = 'ip' | 'mn';

export class AuthLockout {
  private readonly ipFails: WindowCounter;
  private readonly mnFails: WindowCounter;
  private readonly ipLocks: Backoff;
  private readonly mnLocks: Backoff;
  /** `${mn}\n${ip}` → last successful login. Map order = age (re-inserted on success). */
  private readonly trusted = new Map<string, number>();

  constructor(private readonly opts: AuthLockoutOptions) {
    this.ipFails = new WindowCounter(60_000, opts.maxEntries);
    this.mnFails = new WindowCounter(60_000, opts.maxEntries);
    const backoff = { baseMs: opts.baseMs, maxMs: opts.maxMs, maxEntries: opts.maxEntries };
    this.ipLocks = new Backoff(backoff);
    this.mnLocks = new Backoff(backoff);
  }

  /** Milliseconds connections from `ip` stay refused (0: allowed). */
  addressLockedFor(ip: string, now: number): number {
    return this.ipLocks.lockedFor(ip, now);
  }

  /** Why a login of `mn` from `ip` must not be evaluated now, or undefined when it may be. */
  locked(ip: string, mn: string, now: number): LockScope | undefined {
    if (this.ipLocks.lockedFor(ip, now) > 0) return 'ip';
    if (this.mnLocks.lockedFor(mn, now) > 0 && !this.isTrusted(mn, ip, now)) return 'mn';
    return undefined;
  }

  /** Record a failed login; returns the scopes that became locked by it. */
  fail(ip: string, mn: string, now: number): LockScope[] {
    const locked: LockScope[] = [];
    if (this.count(this.ipFails, this.ipLocks, ip, now)) locked.push('ip');
    if (!this.isTrusted(mn, ip, now) && this.count(this.mnFails, this.mnLocks, mn, now)) locked.push('mn');
    return locked;
  }

  /**
   * Record a successful login: the address becomes trusted for the MN. Its failure record is kept: otherwise the
   * holder of one collector's password could log in between guesses at other MNs to reset the address's count.
   */
  succeed(ip: string, mn: string, now: number): void {
    const key = `${mn}\n${ip}`;
    this.trusted.delete(key);
    this.trusted.set(key, now);
    while (this.trusted.size > this.opts.maxEntries) {
      const oldest = this.trusted.keys().next().value;
      if (oldest === undefined) break;
      this.trusted.delete(oldest);
    }
  }

  isTrusted(mn: string, ip: string, now: number): boolean {
    const at = this.trusted.get(`${mn}\n${ip}`);
    return at !== undefined && now - at < this.opts.trustMs;
  }

  prune(now: number): void {
    this.ipFails.prune(now);
    this.mnFails.prune(now);
    this.ipLocks.prune(now);
    this.mnLocks.prune(now);
    for (const [key, at] of this.trusted) {
      if (now - at < this.opts.trustMs) break;
      this.trusted.delete(key);
    }
  }

  /** True when this failure locks `key`: a key with remembered strikes is locked at once, others after `limit`. */
  private count(fails: WindowCounter, locks: Backoff, key: string, now: number): boolean {
    const n = fails.add(key, now);
    if (locks.strikes(key, now) === 0 && n < this.opts.limit) return false;
    fails.clear(key);
    return locks.strike(key, now) > 0;
  }
}
