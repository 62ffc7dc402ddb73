/**
 * The collector's TCP link: connects (optionally from a given loopback source address, so a fleet can exceed the
 * per-address port range), frames what the host sends, and writes frames the way the collector's faults dictate:
 * whole, after junk, in two halves, or in slow small chunks. Writes are serialised so a slow write is never
 * interleaved with another frame.
 */
import { connect, type Socket } from 'node:net';
import { createFramer } from '../../protocol/index.js';

/** How one write is performed. */
export interface WriteMode {
  /** Junk bytes before the frames. */
  garbage?: Uint8Array;
  /** Split the bytes in two writes with a pause in between. */
  half?: boolean;
  /** Small chunks with pauses. */
  slow?: boolean;
}

export interface LinkOptions {
  host: string;
  port: number;
  localAddress?: string;
  onFrame(frame: Uint8Array): void;
  onOpen(): void;
  /**
   * The connection closed. `refused`: the host closed it before sending a single byte and before this side ended
   * it (a gateway at its per-IP or total connection cap accepts and closes at once).
   */
  onClose(hadError: boolean, refused: boolean): void;
}

/** Pause between the two halves of a half frame, ms: long enough that they arrive in separate reads. */
const HALF_PAUSE_MS = 20;
/** Slow writers send 1–16 bytes every few ms, like a 9600-baud serial bridge. */
const SLOW_PAUSE_MS = 3;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class Link {
  private socket: Socket | undefined;
  private chain: Promise<void> = Promise.resolve();
  connected = false;
  /** Sockets this side is closing (drop, end): their close is not a refusal. */
  private readonly closing = new WeakSet<Socket>();

  constructor(private readonly opts: LinkOptions) {}

  /** Opens the connection; resolves true once connected, false when the attempt failed. */
  open(): Promise<boolean> {
    return new Promise((resolve) => {
      const { host, port, localAddress } = this.opts;
      const socket = connect({ host, port, localAddress, noDelay: true });
      const framer = createFramer({ onFrame: (f) => this.opts.onFrame(f), maxDataLength: 9999 });
      this.socket = socket;
      let opened = false;
      let heard = false;
      socket.on('data', (chunk) => {
        heard = true;
        framer.push(chunk);
      });
      socket.once('connect', () => {
        opened = true;
        this.connected = true;
        this.opts.onOpen();
        resolve(true);
      });
      socket.on('error', () => undefined);
      socket.once('close', (hadError) => {
        this.connected = false;
        if (this.socket === socket) this.socket = undefined;
        if (opened) this.opts.onClose(hadError, !heard && !this.closing.has(socket));
        else resolve(false);
      });
    });
  }

  /** Writes `bytes` per `mode`; bytes written while disconnected are lost (the retransmit timer covers them). */
  write(bytes: Uint8Array, mode: WriteMode = {}): Promise<void> {
    const run = async (): Promise<void> => {
      const s = this.socket;
      if (!s || !this.connected) return;
      if (mode.garbage) s.write(mode.garbage);
      if (mode.slow) return this.slowWrite(s, bytes);
      if (mode.half && bytes.length > 1) {
        const cut = bytes.length >> 1;
        s.write(bytes.subarray(0, cut));
        await pause(HALF_PAUSE_MS);
        if (this.socket === s) s.write(bytes.subarray(cut));
        return;
      }
      s.write(bytes);
    };
    this.chain = this.chain.then(run, run);
    return this.chain;
  }

  private async slowWrite(s: Socket, bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length && this.socket === s; ) {
      const n = 1 + ((at * 7) % 16);
      s.write(bytes.subarray(at, at + n));
      at += n;
      await pause(SLOW_PAUSE_MS);
    }
  }

  /** Drops the connection (disconnect faults, storms, stop). */
  drop(): void {
    if (this.socket) this.closing.add(this.socket);
    this.socket?.destroy();
  }

  /** Half-closes after pending writes and waits until the socket is closed. */
  async end(): Promise<void> {
    await this.chain;
    const s = this.socket;
    if (!s) return;
    this.closing.add(s);
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.end();
      setTimeout(() => s.destroy(), 1000).unref();
    });
  }
}
