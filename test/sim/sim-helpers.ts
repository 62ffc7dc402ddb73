/** Runs small simulated fleets against a gateway (real, or a tiny scripted host) for the simulator's tests. */
import { createServer, type Server, type Socket } from 'node:net';
import { createFramer, encodeFrame, parseFrame, type Packet } from '../../protocol/index.js';
import { createFleet, type Fleet } from '../../src/sim/fleet.js';
import { parseScenario, type ScenarioInput } from '../../src/sim/scenario.js';
import type { Summary } from '../../src/sim/stats.js';
import type { TestGateway } from '../helpers/gateway.js';

/** 2024-01-01 00:00 China time: a fixed simulated start so DataTimes are known in advance. */
export const START = '2024-01-01T00:00:00+08:00';

/** A fleet in virtual time (no sleeping) against `port`, with its devices registered on `gw` when given. */
export async function runFleet(port: number, input: Partial<ScenarioInput>, gw?: TestGateway): Promise<{ fleet: Fleet; summary: Summary }> {
  const fleet = createFleet(parseScenario({ port, speed: 'max', start: START, progressS: 0, count: 1, ...input }));
  if (gw) {
    for (const id of fleet.identities) {
      await gw.addDevice({ mn: id.mn, password: id.password, version: id.version, encoding: id.encoding, allowMnLength: id.legacyMn });
    }
  }
  return { fleet, summary: await fleet.run() };
}

/** A scripted host: every frame a collector sends is recorded and passed to `onPacket`, which may answer. */
export interface FakeHost {
  port: number;
  packets: Packet[];
  /** Resolves with the first connected collector socket. */
  connection: Promise<Socket>;
  send(socket: Socket, packet: Packet): void;
  /** Resolves once a received packet satisfies the predicate (rejects after a failure bound). */
  waitFor(pred: (p: Packet) => boolean, timeoutMs?: number): Promise<Packet>;
  close(): Promise<void>;
}

export async function startFakeHost(onPacket: (p: Packet, socket: Socket, host: FakeHost) => void): Promise<FakeHost> {
  const packets: Packet[] = [];
  const waiters: Array<{ pred: (p: Packet) => boolean; resolve: (p: Packet) => void }> = [];
  const sockets = new Set<Socket>();
  let connected: (s: Socket) => void = () => undefined;
  const connection = new Promise<Socket>((resolve) => (connected = resolve));
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    connected(socket);
    const framer = createFramer({
      onFrame(frame) {
        const r = parseFrame(frame);
        if (!r.ok) return;
        packets.push(r.packet);
        onPacket(r.packet, socket, host);
        for (const w of waiters.filter((x) => x.pred(r.packet))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(r.packet);
        }
      },
    });
    socket.on('data', (chunk) => framer.push(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const host: FakeHost = {
    port: typeof address === 'object' && address ? address.port : 0,
    packets,
    connection,
    send: (socket, packet) => void socket.write(encodeFrame(packet)),
    waitFor(pred, timeoutMs = 10_000) {
      const seen = packets.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve: (p: Packet) => (clearTimeout(timer), resolve(p)) };
        const timer = setTimeout(() => reject(new Error(`no matching packet within ${timeoutMs} ms`)), timeoutMs);
        waiters.push(w);
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return host;
}
