/** A scripted collector for gateway tests: a real TCP socket, frames in and out through our codec. */
import { connect, type Socket } from 'node:net';
import { createFramer, parseFrame, type Packet } from '../../protocol/index.js';

export interface TestCollector {
  socket: Socket;
  send(bytes: Uint8Array | string): void;
  /** Next reply frame matching the predicate; rejects after `timeoutMs` (a failure bound, not a synchronisation). */
  next(predicate?: (p: Packet) => boolean, timeoutMs?: number): Promise<Packet>;
  /** Replies received so far and not yet taken by next(). */
  readonly received: Packet[];
  closed: Promise<void>;
  close(): void;
}

/** `localAddress`: the source address (any 127.x.y.z on Linux), so tests can play several remote sites. */
export function connectCollector(port: number, host = '127.0.0.1', localAddress?: string): Promise<TestCollector> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, localAddress });
    const received: Packet[] = [];
    const waiters: Array<{ pred: (p: Packet) => boolean; resolve: (p: Packet) => void }> = [];
    const framer = createFramer({
      onFrame: (frame) => {
        // Replies echo the collector's MN, which may use the extended alphabet (JLYP01_AIR01_0001).
        const r = parseFrame(frame, { mnCharset: 'extended' });
        if (!r.ok) return;
        const i = waiters.findIndex((w) => w.pred(r.packet));
        if (i >= 0) waiters.splice(i, 1)[0]?.resolve(r.packet);
        else received.push(r.packet);
      },
    });
    socket.on('data', (chunk) => framer.push(chunk));
    const closed = new Promise<void>((res) => socket.on('close', () => res()));
    socket.on('error', () => undefined);
    socket.once('connect', () =>
      resolve({
        socket,
        received,
        closed,
        send: (bytes) => socket.write(typeof bytes === 'string' ? Buffer.from(bytes) : bytes),
        next(pred = () => true, timeoutMs = 10_000) {
          const i = received.findIndex(pred);
          if (i >= 0) return Promise.resolve(received.splice(i, 1)[0] as Packet);
          return new Promise((res, rej) => {
            const w = { pred, resolve: (p: Packet) => (clearTimeout(timer), res(p)) };
            const timer = setTimeout(() => {
              waiters.splice(waiters.indexOf(w), 1);
              rej(new Error(`no matching reply within ${timeoutMs} ms`));
            }, timeoutMs);
            waiters.push(w);
          });
        },
        close: () => socket.destroy(),
      }),
    );
    socket.once('error', reject);
  });
}
