/**
 * Sign-in lockout with exponential backoff, per user name and per client address (threat: guessing an account's
 * password over HTTP), the same shape as the gateway's collector lockout (src/server/auth-lockout.ts). While a key is
 * locked no password is checked at all: the answer is 429 with Retry-After, so a right guess during a lockout is
 * worth nothing.
 * - Address: `addressFailures` failed sign-ins within a minute lock the address; every further failure after a
 *   lockout locks it again for twice as long, until it has been quiet for `2 · lockMaxMs`.
 * - User name: `userFailures` failures within a minute from addresses not trusted for it lock the name. An address
 *   is trusted for a name for a day after signing in as it, so a flood of guesses from elsewhere does not lock the
 *   real user out of the addresses they use.
 * In-process and bounded (`maxEntries` keys per table), like the bearer-token failure limit: each API replica counts
 * on its own.
 */
import { Backoff, WindowCounter } from '../domain/backoff.js';
import type { LoginLimits } from '../config.js';

export type LoginLockScope = 'user' | 'address';

const MINUTE = 60_000;
const TRUST_MS = 24 * 3_600_000;

export class LoginLockout {
  private readonly userFails: WindowCounter;
  private readonly addressFails: WindowCounter;
  private readonly userLocks: Backoff;
  private readonly addressLocks: Backoff;
  /** `${username}\n${address}` → last successful sign-in; Map order = age. */
  private readonly trusted = new Map<string, number>();

  constructor(
    private readonly limits: Pick<LoginLimits, 'userFailures' | 'addressFailures' | 'lockBaseMs' | 'lockMaxMs'>,
    private readonly maxEntries = 100_000,
  ) {
    this.userFails = new WindowCounter(MINUTE, maxEntries);
    this.addressFails = new WindowCounter(MINUTE, maxEntries);
    const backoff = { baseMs: limits.lockBaseMs, maxMs: limits.lockMaxMs, maxEntries };
    this.userLocks = new Backoff(backoff);
    this.addressLocks = new Backoff(backoff);
  }

  /** Milliseconds a sign-in of `username` from `address` stays refused; 0 when it may be tried. */
  lockedFor(username: string, address: string, now: number): number {
    const byAddress = this.addressLocks.lockedFor(address, now);
    const byUser = this.isTrusted(username, address, now) ? 0 : this.userLocks.lockedFor(username, now);
    return Math.max(byAddress, byUser);
  }

  /** Record a failed sign-in; returns the scopes it locked. */
  fail(username: string, address: string, now: number): LoginLockScope[] {
    this.prune(now);
    const locked: LoginLockScope[] = [];
    if (this.count(this.addressFails, this.addressLocks, address, this.limits.addressFailures, now)) locked.push('address');
    if (!this.isTrusted(username, address, now) && this.count(this.userFails, this.userLocks, username, this.limits.userFailures, now)) locked.push('user');
    return locked;
  }

  /** Record a successful sign-in: the address becomes trusted for the name (failure records are kept). */
  succeed(username: string, address: string, now: number): void {
    const key = `${username}\n${address}`;
    this.trusted.delete(key);
    this.trusted.set(key, now);
    while (this.trusted.size > this.maxEntries) {
      const oldest = this.trusted.keys().next().value;
      if (oldest === undefined) break;
      this.trusted.delete(oldest);
    }
  }

  private isTrusted(username: string, address: string, now: number): boolean {
    const at = this.trusted.get(`${username}\n${address}`);
    return at !== undefined && now - at < TRUST_MS;
  }

  private prune(now: number): void {
    for (const [key, at] of this.trusted) {
      if (now - at < TRUST_MS) break;
      this.trusted.delete(key);
    }
  }

  /** True when this failure locks `key`: a key with remembered strikes at once, others after `limit` in a minute. */
  private count(fails: WindowCounter, locks: Backoff, key: string, limit: number, now: number): boolean {
    const n = fails.add(key, now);
    if (locks.strikes(key, now) === 0 && n < limit) return false;
    fails.clear(key);
    return locks.strike(key, now) > 0;
  }
}
