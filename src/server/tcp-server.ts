/**
 * The TCP gateway (default port 5003): connection limits in total and per IP, server-wide backpressure from the
 * sink, command delivery to held collectors, graceful shutdown (stop accepting, finish storing, ack, close).
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { encodeFrame } from '../../protocol/index.js';
import type { DeviceCommand } from '../domain/ports.js';
import { Connection, type ConnectionShared } from './connection.js';
import { DeadlineWheel } from './deadlines.js';
import { Defences } from './defences.js';
import { FrameHandler } from './frame-handler.js';
import type { GatewayDeps, GatewayOptions } from './gateway-deps.js';
import { SessionTable } from './session-table.js';

export interface Gateway {
  listen(): Promise<AddressInfo>;
  close(): Promise<void>;
  readonly connectionCount: number;
  /** Send a command to a collector held by this instance; false when it is not connected here. */
  deliver(cmd: DeviceCommand): boolean;
}

export function createGateway(deps: GatewayDeps, opts: GatewayOptions): Gateway {
  const defences = new Defences(opts, deps.registry, deps.logger, deps.metrics, deps.clock.now());
  const sessions = new SessionTable(deps, opts.instanceId, defences.conflicts, (mn) => handler.uploads.dedupe.release(mn));
  const handler = new FrameHandler(deps, opts, sessions, defences);
  const connections = new Set<Connection>();
  const perIp = new Map<string, number>();
  // Idle and unfinished-frame timeouts of every connection, checked a few times per shortest timeout (at most 1 s).
  const tickMs = Math.max(10, Math.min(1000, Math.floor(Math.min(opts.idleTimeoutMs, opts.partialFrameTimeoutMs) / 4)));
  const deadlines = new DeadlineWheel(tickMs, () => deps.clock.now());
  const shared: ConnectionShared = {
    deps,
    opts,
    handler,
    sessions,
    defences,
    deadlines,
    released(conn) {
      connections.delete(conn);
      deps.metrics.connections.dec();
      const left = (perIp.get(conn.remoteIp) ?? 1) - 1;
      if (left <= 0) perIp.delete(conn.remoteIp);
      else perIp.set(conn.remoteIp, left);
    },
  };
  /** Sockets are paused while storage is saturated or the side-effect queues (archive) are backed up. */
  let sinkSaturated = false;
  let queuesBackedUp = false;
  let saturated = false;
  // Refusals by the per-IP cap since the last warning; logged at most once a minute (never one line per refusal).
  const capWarn = { refused: 0, at: -Infinity };
  let lastPrune = 0;

  const server: Server = createServer({ noDelay: true, keepAlive: true, keepAliveInitialDelay: 60_000 });
  server.maxConnections = opts.maxConnections;
  server.on('drop', () => deps.metrics.connectionsRejected.inc({ reason: 'max-connections' }));
  server.on('error', (err) => deps.logger.error({ err }, 'gateway server error'));
  server.on('connection', (socket) => {
    const ip = socket.remoteAddress ?? 'unknown';
    // Banned and locked-out addresses are refused before any byte is read (counted, logged once per interval).
    const refused = defences.refused(ip, deps.clock.now());
    if (refused) {
      defences.refuse(ip, refused);
      socket.destroy();
      return;
    }
    const count = (perIp.get(ip) ?? 0) + 1;
    if (count > opts.maxConnectionsPerIp) {
      deps.metrics.connectionsRejected.inc({ reason: 'per-ip' });
      capWarn.refused++;
      if (deps.clock.now() - capWarn.at >= 60_000) {
        deps.logger.warn({ ip, refused: capWarn.refused, maxConnectionsPerIp: opts.maxConnectionsPerIp }, 'connections refused: per-IP cap (HJ212_MAX_CONNECTIONS_PER_IP) reached');
        capWarn.at = deps.clock.now();
        capWarn.refused = 0;
      }
      socket.destroy();
      return;
    }
    perIp.set(ip, count);
    const conn = new Connection(socket, shared);
    connections.add(conn);
    deps.metrics.connections.inc();
    if (saturated) conn.setGlobalPause(true);
  });

  const applyPause = (): void => {
    deps.metrics.paused.set({ reason: 'storage' }, sinkSaturated ? 1 : 0);
    deps.metrics.paused.set({ reason: 'queues' }, queuesBackedUp ? 1 : 0);
    const paused = sinkSaturated || queuesBackedUp;
    if (paused === saturated) return;
    saturated = paused;
    for (const c of connections) c.setGlobalPause(paused);
  };
  deps.sink.onDrain(() => {
    sinkSaturated = false;
    applyPause();
  });
  const watch = setInterval(() => {
    deps.metrics.bufferedPoints.set(deps.sink.pending);
    if (deps.sink.saturated && !sinkSaturated) {
      deps.logger.warn({ pending: deps.sink.pending }, 'storage saturated: pausing collector sockets');
      sinkSaturated = true;
    }
    queuesBackedUp = handler.backedUp;
    applyPause();
    const now = deps.clock.now();
    handler.sweep(now);
    defences.tick(now);
    if (now - lastPrune >= 10_000) {
      lastPrune = now;
      defences.prune(now);
    }
  }, 50);
  watch.unref();

  return {
    get connectionCount() {
      return connections.size;
    },
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port, opts.host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    deliver(cmd) {
      const ctx = sessions.get(cmd.mn);
      if (!ctx?.device) return false;
      // HJ212-2017 6.3.2: Flag = version bits | A (answer wanted); 2005 collectors send no Flag.
      const version = ctx.version ?? ctx.device.version;
      const flag = version === '2025' ? 9 : version === '2005' ? undefined : 5;
      const packet = { qn: cmd.qn, st: ctx.lastSt, cn: cmd.cn, pw: ctx.lastPassword, mn: cmd.mn, flag, cp: cmd.cp };
      ctx.send(encodeFrame(packet, ctx));
      return true;
    },
    async close() {
      clearInterval(watch);
      deadlines.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...connections].map((c) => c.drained()));
      await handler.flush();
      defences.flush();
      for (const c of connections) c.socket.end();
      for (const c of connections) c.socket.destroy();
      await closed;
    },
  };
}
