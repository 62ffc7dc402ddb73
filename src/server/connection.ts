/**
 * One collector socket: framer → frame handler, idle timeout (no admitted frame, whatever bytes arrive), slow-loris
 * and junk limits, a per-connection error budget (then close and ban the address), per-connection flow control.
 * Input never throws out of here: errors are logged and counted.
 */
import type { Socket } from 'node:net';
import { createFramer } from '../../protocol/index.js';
import { GATEWAY_FRAMING } from '../domain/device-quirks.js';
import type { ConnectionContext } from './connection-context.js';
import type { Defences } from './defences.js';
import type { FrameHandler } from './frame-handler.js';
import type { GatewayDeps, GatewayOptions } from './gateway-deps.js';
import type { SessionTable } from './session-table.js';

/** Junk bytes tolerated without one good frame before the stream is considered unrecoverable. */
const MAX_JUNK_BYTES = 1 << 20;

export interface Connection {
  ctx: ConnectionContext;
  socket: Socket;
  /** Pause/resume reading for server-wide backpressure. */
  setGlobalPause(paused: boolean): void;
  /** Frames still being stored; resolves when none are. */
  drained(): Promise<void>;
}

let nextId = 0;

/** Close reasons summarised elsewhere (defences.ts, session-table.ts) rather than logged per connection. */
const QUIET_CLOSES = new Set(['error budget exceeded', 'password lockout', 'replaced by a newer connection with the same MN']);

export function openConnection(socket: Socket, deps: GatewayDeps, opts: GatewayOptions, handler: FrameHandler, sessions: SessionTable, defences: Defences): Connection {
  const id = `c${(++nextId).toString(36)}`;
  const remoteIp = socket.remoteAddress ?? 'unknown';
  const log = deps.logger.child({ conn: id, remote: remoteIp });
  const pending = new Set<Promise<void>>();
  let globalPause = false;
  let localPause = false;
  let junkSinceFrame = 0;
  let partialTimer: NodeJS.Timeout | undefined;
  let corked = false;
  let closed = false;
  let ended = false;
  let errors = 0;
  let errorWindowStart = deps.clock.now();
  const { maxErrorsPerConnection, errorWindowMs } = defences.limits;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };

  const ctx: ConnectionContext = {
    id,
    remoteIp,
    crc: 'hj212',
    encoding: 'utf-8',
    inflight: 0,
    send: (bytes) => {
      if (!socket.writable) return;
      // The acks of one group commit are sent in the same tick: corked until then, they leave in one write.
      if (!corked) {
        corked = true;
        socket.cork();
        process.nextTick(uncork);
      }
      socket.write(bytes);
    },
    get open() {
      return !closed && !ended;
    },
    charge() {
      if (closed) return false;
      const now = deps.clock.now();
      if (now - errorWindowStart >= errorWindowMs) {
        errorWindowStart = now;
        errors = 0;
      }
      const overConnection = ++errors > maxErrorsPerConnection;
      if (!defences.overAddressBudget(remoteIp, now) && !overConnection) return true;
      deps.metrics.connectionsRejected.inc({ reason: 'error-budget' });
      defences.ban(remoteIp, now);
      ctx.close('error budget exceeded');
      return false;
    },
    alive() {
      idle.refresh();
    },
    close: (reason) => {
      if (closed) return;
      closed = true;
      // Budget and lockout closes are summarised per address (defences.ts); a flood must not log a line per close.
      if (!QUIET_CLOSES.has(reason)) log.info({ reason, mn: ctx.device?.mn }, 'closing connection');
      // A reply sent in this tick (the 9011 before an auth-failure close) must leave before the socket goes.
      if (corked) uncork();
      socket.destroy();
    },
  };

  // Frames still being handled, not only uploads awaiting their write: frames of unknown MNs wait on the registry
  // too, and a sender must not queue more of them than this in memory (hostile-traffic fault 5b).
  const busy = (): boolean => Math.max(ctx.inflight, pending.size) >= opts.maxInflightPerConnection;
  const updatePause = (): void => {
    localPause = busy();
    if (globalPause || localPause) socket.pause();
    else socket.resume();
  };

  const framer = createFramer({
    maxDataLength: opts.maxFrameCeiling,
    // The device is not known yet: cut frames whose length field lies too; the frame handler judges per device.
    ...GATEWAY_FRAMING,
    onFrame: (frame) => {
      // Closed by the gateway (budget, lockout) in the middle of a chunk: the rest is not handled (and not acked).
      if (closed) return;
      junkSinceFrame = 0;
      const p = handler
        .handle(frame, ctx)
        .catch((err) => log.error({ err }, 'frame handling failed'))
        .finally(() => {
          pending.delete(p);
          if (localPause) updatePause();
        });
      pending.add(p);
    },
    onError: (err) => {
      // After a budget close the rest of the chunk is still cut by the framer: nothing more is done for it.
      if (!closed) handler.framingError(ctx, err.code, err.message, err.bytes);
    },
  });

  const idle = setTimeout(() => ctx.close('idle timeout'), opts.idleTimeoutMs);
  idle.unref();

  socket.on('data', (chunk: Buffer) => {
    if (closed) return;
    const before = framer.discarded;
    framer.push(chunk);
    const junk = framer.discarded - before;
    if (junk > 0) deps.metrics.discardedBytes.inc(junk);
    junkSinceFrame += junk;
    if (junkSinceFrame > MAX_JUNK_BYTES) return ctx.close('no valid frame in 1 MiB of input');
    if (framer.buffered > 0 && !partialTimer) {
      partialTimer = setTimeout(() => ctx.close('unfinished frame (slow client)'), opts.partialFrameTimeoutMs);
      partialTimer.unref();
    } else if (framer.buffered === 0 && partialTimer) {
      clearTimeout(partialTimer);
      partialTimer = undefined;
    }
    if (busy()) updatePause();
  });
  socket.on('error', (err) => log.debug({ err }, 'socket error'));
  socket.on('end', () => {
    ended = true;
  });
  socket.on('close', () => {
    ended = true;
    defences.rejections.flushKey(id);
    clearTimeout(idle);
    if (partialTimer) clearTimeout(partialTimer);
    sessions.unbind(ctx);
  });

  return {
    ctx,
    socket,
    setGlobalPause(paused) {
      globalPause = paused;
      updatePause();
    },
    async drained() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
