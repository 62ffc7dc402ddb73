/**
 * The gateway's defences against hostile or broken senders, shared by every connection of one gateway: source
 * address bans with backoff, password lockouts, aggregated logs, bounded pending-device writes. Each limit is a
 * setting (README settings table) and a line in SECURITY.md.
 */
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { DeviceRegistry } from '../domain/ports.js';
import { AuthLockout } from './auth-lockout.js';
import { Backoff, WindowCounter } from './backoff.js';
import { DEFAULT_CONFIG } from '../config.js';
import type { DefenceLimits, GatewayOptions } from './gateway-deps.js';
import { LogSummary } from './log-summary.js';
import { PendingRecorder } from './pending-recorder.js';

/** Every HJ212_* default (src/config.ts), for gateways built without a Config (tests). */
export const DEFAULT_LIMITS: DefenceLimits = DEFAULT_CONFIG.tcp.limits;

export class Defences {
  readonly limits: DefenceLimits;
  /** Addresses banned for exhausting a connection's error budget. */
  readonly bans: Backoff;
  readonly auth: AuthLockout;
  /** Rejections and framing errors, one line per connection per interval. */
  readonly rejections: LogSummary;
  /** Bans, lockouts and refused connections, one line per address per interval. */
  readonly addresses: LogSummary;
  /** Connections replaced by another live connection of the same MN, one line per MN per interval. */
  readonly conflicts: LogSummary;
  readonly pending: PendingRecorder;
  private readonly addressErrors: WindowCounter;

  constructor(
    opts: GatewayOptions,
    registry: DeviceRegistry,
    log: Logger,
    private readonly metrics: Metrics,
    now: number,
  ) {
    const l = (this.limits = { ...DEFAULT_LIMITS, ...opts.defences });
    this.bans = new Backoff({ baseMs: l.banBaseMs, maxMs: l.banMaxMs, maxEntries: l.maxTrackedKeys });
    this.addressErrors = new WindowCounter(l.errorWindowMs, l.maxTrackedKeys);
    this.auth = new AuthLockout({ limit: opts.maxAuthFailuresPerMinute, baseMs: l.authLockoutBaseMs, maxMs: l.authLockoutMaxMs, trustMs: l.authTrustMs, maxEntries: l.maxTrackedKeys });
    const summary = (message: string, level: 'warn' | 'info' = 'warn') => new LogSummary(log, { intervalMs: l.logSummaryMs, maxKeys: 1000, message, level }, now);
    this.rejections = summary('frames rejected');
    this.addresses = summary('source address limited');
    this.conflicts = summary('newer connection replaced a live one for this MN', 'info');
    this.pending = new PendingRecorder(registry, log, { intervalMs: l.pendingRecordIntervalMs, maxPerInterval: l.pendingRecordsPerInterval, maxTracked: l.maxTrackedKeys }, () =>
      metrics.dropped.inc({ queue: 'pending' }),
    );
  }

  /** Why connections from `ip` are refused now, or undefined. */
  refused(ip: string, now: number): 'banned' | 'auth-lockout' | undefined {
    if (this.bans.lockedFor(ip, now) > 0) return 'banned';
    if (this.auth.addressLockedFor(ip, now) > 0) return 'auth-lockout';
    return undefined;
  }

  /** Count and (aggregated) log a connection refused at accept. */
  refuse(ip: string, reason: 'banned' | 'auth-lockout'): void {
    this.metrics.connectionsRejected.inc({ reason });
    this.addresses.note(ip, `refused-${reason}`, () => ({ remote: ip }));
  }

  /** Count one error against the address's budget (all its connections together); true when it is over. */
  overAddressBudget(ip: string, now: number): boolean {
    return this.addressErrors.add(ip, now) > this.limits.maxErrorsPerAddress;
  }

  /** Ban `ip` for exhausting a connection's error budget; returns the ban's duration. */
  ban(ip: string, now: number): number {
    const ms = this.bans.strike(ip, now);
    if (ms > 0) {
      this.metrics.bans.inc({ reason: 'error-budget' });
      this.addresses.note(ip, 'banned', () => ({ remote: ip, banMs: ms }));
    }
    return ms;
  }

  /** Count and log a password lockout that just started. */
  lockedOut(scope: 'ip' | 'mn', ip: string, mn: string): void {
    this.metrics.authLockouts.inc({ scope });
    this.addresses.note(ip, `auth-lockout-${scope}`, () => ({ remote: ip, mn }));
  }

  /** Periodic: write due summaries, forget expired state. */
  tick(now: number): void {
    this.rejections.tick(now);
    this.addresses.tick(now);
    this.conflicts.tick(now);
  }

  prune(now: number): void {
    this.bans.prune(now);
    this.auth.prune(now);
    this.addressErrors.prune(now);
  }

  flush(): void {
    this.rejections.flush();
    this.addresses.flush();
    this.conflicts.flush();
  }
}
