/** The gateway on real TCP sockets with in-memory ports, for fast unit tests of its behaviour. */
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../src/log.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import type { CommandBus, DeadLetterStore, DeviceReply, FrameArchive, IngestEvent, SessionDirectory, SessionInfo } from '../../src/domain/ports.js';
import type { DeviceRegistry } from '../../src/domain/ports.js';
import { newDevice, type NewDeviceInput } from '../../src/domain/device-defaults.js';
import { createGateway, type Gateway } from '../../src/server/tcp-server.js';
import type { GatewayOptions } from '../../src/server/gateway-deps.js';
import { createMemoryRegistry } from '../fakes/memory-registry.js';
import { createMemorySink, type MemorySink } from '../fakes/memory-sink.js';
import { createMemoryArchive, createMemoryDedupe, createMemoryLatest, createMemoryFactorBudget } from '../fakes/memory-stores.js';

export interface MemoryGateway {
  gateway: Gateway;
  port: number;
  sink: MemorySink;
  registry: DeviceRegistry;
  archive: FrameArchive;
  metrics: Metrics;
  replies: DeviceReply[];
  deadLetters: Array<{ raw: string; mn?: string; reason: string; at: number }>;
  events: IngestEvent[];
  sessions: Map<string, SessionInfo>;
  addDevice(input: NewDeviceInput): Promise<void>;
  close(): Promise<void>;
}

function memorySessions(map: Map<string, SessionInfo>): SessionDirectory {
  return {
    async claim(info) {
      map.set(info.mn, info);
    },
    async release(mn, connectionId) {
      if (map.get(mn)?.connectionId === connectionId) map.delete(mn);
    },
    touch(mn, patch) {
      const s = map.get(mn);
      if (s) Object.assign(s, { lastFrameAt: patch.lastFrameAt ?? s.lastFrameAt, lastAckAt: patch.lastAckAt ?? s.lastAckAt });
    },
    async get(mn) {
      return map.get(mn);
    },
    async list() {
      return [...map.values()];
    },
  };
}

export async function startMemoryGateway(opts: Partial<GatewayOptions> = {}, sinkMaxPending = 200_000): Promise<MemoryGateway> {
  const sink = createMemorySink({ maxPending: sinkMaxPending });
  const registry = createMemoryRegistry();
  const archive = createMemoryArchive({ maxLength: 10_000 });
  const metrics = createMetrics({ defaults: false });
  const replies: DeviceReply[] = [];
  const deadLetterList: MemoryGateway['deadLetters'] = [];
  const events: IngestEvent[] = [];
  const sessions = new Map<string, SessionInfo>();
  const commands: CommandBus = {
    listen: async () => undefined,
    send: async () => 'offline',
    reply: async (r) => void replies.push(r),
    close: async () => undefined,
  };
  const deadLetters: DeadLetterStore = {
    add: async (e) => void deadLetterList.push(e),
    list: async (n) => deadLetterList.slice(0, n),
  };
  const gateway = createGateway(
    {
      sink,
      registry,
      dedupe: createMemoryDedupe({ ttlSeconds: 3600 }),
      latest: createMemoryLatest(),
      archive,
      deadLetters,
      factorBudget: createMemoryFactorBudget({ maxUnknown: 32 }),
      jobs: { ingested: (e) => void events.push(...e), close: async () => undefined },
      sessions: memorySessions(sessions),
      commands,
      logger: createLogger('silent'),
      metrics,
      clock: { now: () => Date.now() },
    },
    {
      host: '127.0.0.1',
      port: 0,
      instanceId: 'test',
      maxConnections: 100,
      maxConnectionsPerIp: 100,
      idleTimeoutMs: 60_000,
      partialFrameTimeoutMs: 30_000,
      maxDataLength: 1024,
      maxFrameCeiling: 9999,
      subpacketTimeoutMs: 60_000,
      maxInflightPerConnection: 256,
      maxAuthFailuresPerMinute: 10,
      ...opts,
    },
  );
  const address: AddressInfo = await gateway.listen();
  return {
    gateway,
    port: address.port,
    sink,
    registry,
    archive,
    metrics,
    replies,
    deadLetters: deadLetterList,
    events,
    sessions,
    addDevice: (input) => registry.put(newDevice(input)),
    close: () => gateway.close(),
  };
}
