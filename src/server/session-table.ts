/**
 * MN → connection on this gateway instance. Duplicate-MN policy: a newly authenticated connection replaces the
 * old one (collectors reconnect after a network drop before the old socket times out). Only a replacement of a
 * connection that is still open on the collector's side is a conflict (flapping: counted in metrics and the
 * session directory, logged once per MN per interval). A collector that opens a new connection per frame after
 * closing the previous one is not in conflict: its old connection has ended, however late its close is processed.
 */
import type { ConnectionContext } from './connection-context.js';
import type { GatewayDeps } from './gateway-deps.js';
import type { LogSummary } from './log-summary.js';

export class SessionTable {
  private readonly byMn = new Map<string, ConnectionContext>();

  constructor(
    private readonly deps: GatewayDeps,
    private readonly instanceId: string,
    private readonly conflicts?: LogSummary,
    /** Told when an MN's connection on this gateway is gone (the deduper reloads its marks next time). */
    private readonly released?: (mn: string) => void,
  ) {}

  bind(mn: string, ctx: ConnectionContext, now: number): void {
    // A collector that sent its frame and closed at once (one connection per frame) holds nothing: binding it would
    // leave a dead entry whose successor looks like a conflict.
    if (!ctx.open) return;
    const old = this.byMn.get(mn);
    let replaced = 0;
    if (old && old !== ctx) {
      if (old.open) {
        replaced = 1;
        this.deps.metrics.duplicateMn.inc();
        this.conflicts?.note(mn, 'replaced', () => ({ mn, old: old.id, new: ctx.id, oldRemote: old.remoteIp, newRemote: ctx.remoteIp }));
        old.device = undefined;
        old.close('replaced by a newer connection with the same MN');
      } else {
        // Ended by the collector; its socket closes on its own (and unbinds nothing, the MN is no longer its).
        old.device = undefined;
      }
    }
    if (ctx.device && ctx.device.mn !== mn) this.unbind(ctx);
    this.byMn.set(mn, ctx);
    this.deps.sessions
      .claim({ mn, instanceId: this.instanceId, connectionId: ctx.id, remote: ctx.remoteIp, connectedAt: now, framesToday: 0, rejectionsToday: 0, replaced })
      .catch((err) => this.deps.logger.error({ err, mn }, 'session claim failed'));
  }

  unbind(ctx: ConnectionContext): void {
    const mn = ctx.device?.mn;
    // Also for a connection that never held the MN (one connection per frame): its frames may go elsewhere next.
    if (mn) this.released?.(mn);
    if (!mn || this.byMn.get(mn) !== ctx) return;
    this.byMn.delete(mn);
    this.deps.sessions.release(mn, ctx.id).catch((err) => this.deps.logger.error({ err, mn }, 'session release failed'));
  }

  get(mn: string): ConnectionContext | undefined {
    return this.byMn.get(mn);
  }

  get size(): number {
    return this.byMn.size;
  }
}
