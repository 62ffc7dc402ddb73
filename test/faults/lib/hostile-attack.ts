/**
 * Hostile clients of the hostile section (test/faults/hostile-*.test.ts): frames built by hand (bad CRCs, 9999-byte
 * data segments, poisoned CPs) and attack loops that connect from chosen loopback source addresses, send, read what
 * the gateway answers, and reconnect when it closes or refuses them, until a deadline or a stop condition. Everything
 * they see is tallied, so a scenario can state what the gateway let through.
 */
import { connect, type Socket } from 'node:net';
import { computeCrc, crcToHex, createFramer, encodeDataSegment, parseFrame, type Packet } from '../../../protocol/index.js';

/** `##` + 4-digit length + segment + CRC + CR LF (HJ212-2017 6.3.1); `badCrc` flips CRC bits. */
export function rawFrame(segment: string | Buffer, opts: { badCrc?: boolean } = {}): Buffer {
  const seg = typeof segment === 'string' ? Buffer.from(segment, 'utf8') : segment;
  const crc = computeCrc('hj212', seg) ^ (opts.badCrc ? 0x5a5a : 0);
  return Buffer.concat([Buffer.from(`##${String(seg.length).padStart(4, '0')}`), seg, Buffer.from(`${crcToHex(crc)}\r\n`)]);
}

export function packetFrame(packet: Packet, opts: { badCrc?: boolean } = {}): Buffer {
  return rawFrame(encodeDataSegment(packet), opts);
}

/** A 24-character MN (HJ212-2017) of `prefix` and `n`, e.g. an attacker's spoofed or random MNs. */
export function mnOf(prefix: string, n: number): string {
  return prefix + String(n).padStart(24 - prefix.length, '0');
}

/** Loopback source addresses 127.0.0.<from> … 127.0.0.<from + count - 1> (the collectors connect from 127.0.0.1). */
export function sources(from: number, count = 1): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.0.${from + i}`);
}

export interface Reply {
  cn: string;
  qnRtn?: string;
}

/** One attacker connection: writes that respect backpressure, the gateway's answers, and how it ended. */
export class AttackConn {
  readonly replies: Reply[] = [];
  /** The gateway closed (or reset) it, rather than the attacker. */
  closedByGateway = false;
  closed = false;
  private ended = false;
  private waiters: Array<() => void> = [];
  readonly done: Promise<void>;

  constructor(readonly socket: Socket) {
    const framer = createFramer({
      maxDataLength: 9999,
      onFrame: (frame) => {
        const parsed = parseFrame(frame.slice());
        if (parsed.ok) this.replies.push({ cn: parsed.packet.cn, qnRtn: parsed.packet.cp.QnRtn });
        this.wake();
      },
    });
    socket.on('data', (chunk: Buffer) => framer.push(chunk));
    socket.on('error', () => undefined);
    this.done = new Promise((resolve) =>
      socket.once('close', () => {
        this.closed = true;
        if (!this.ended) this.closedByGateway = true;
        this.wake();
        resolve();
      }),
    );
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Writes `bytes`; resolves once the socket takes more, false when the connection is gone. */
  async send(bytes: Buffer): Promise<boolean> {
    if (this.closed || this.socket.destroyed) return false;
    if (this.socket.write(bytes)) return true;
    await new Promise<void>((resolve) => {
      const go = (): void => {
        this.socket.off('drain', go);
        resolve();
      };
      this.socket.once('drain', go);
      void this.done.then(go);
    });
    return !this.closed;
  }

  /** Waits until `n` replies arrived, the connection closed, or `boundMs` passed (an attacker gives up too). */
  async replied(n: number, boundMs: number): Promise<boolean> {
    const until = Date.now() + boundMs;
    while (this.replies.length < n && !this.closed && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, until - Date.now());
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
    return this.replies.length >= n;
  }

  /** Closes from the attacker's side and waits until the socket is gone. */
  async end(): Promise<void> {
    this.ended = true;
    this.socket.destroy();
    await this.done;
  }
}

function open(port: number, localAddress: string): Promise<AttackConn | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    socket.once('connect', () => resolve(new AttackConn(socket)));
    socket.once('error', () => resolve(undefined));
  });
}

export interface AttackTally {
  /** Connection attempts. */
  attempts: number;
  /** TCP connections the gateway accepted at the TCP level. */
  connections: number;
  /** Connections that failed to connect or that the gateway closed without a single answer. */
  refused: number;
  /** Connections the gateway closed (with or without answering first). */
  closedByGateway: number;
  /** Frames (or frame candidates) and bytes the attacker got written. */
  frames: number;
  bytes: number;
  /** Answers by kind: `9014`, `9011 QnRtn=3`, … */
  replies: Record<string, number>;
  /** How long the attack ran, s. */
  durationS: number;
}

export interface AttackOptions {
  port: number;
  /** Source addresses, used round-robin, one per connection. */
  from: readonly string[];
  /** Connections open at once. */
  workers: number;
  durationMs: number;
  /** No new connection once true (e.g. a target reached); open sessions run to their end. */
  stop?: () => boolean;
  /** Cuts every open connection once true (a safety ceiling of the watch); so does the deadline. */
  abort?: () => boolean;
  /** What the attacker does on one connection; `tally.frames`/`bytes` are its to count. Returning ends the connection. */
  session(conn: AttackConn, tally: AttackTally, n: number): Promise<void>;
}

/** Pause after a refused connection, so a refused attacker does not spin a core of this shared machine. */
const REFUSED_PAUSE_MS = 5;

export async function runAttack(o: AttackOptions): Promise<AttackTally> {
  const tally: AttackTally = { attempts: 0, connections: 0, refused: 0, closedByGateway: 0, frames: 0, bytes: 0, replies: {}, durationS: 0 };
  const start = Date.now();
  const deadline = start + o.durationMs;
  let n = 0;
  const cut = (): boolean => Date.now() >= deadline || o.abort?.() === true;
  const over = (): boolean => cut() || o.stop?.() === true;
  // A session blocked on a write the gateway does not read (or an answer it does not send) ends with the attack.
  const live = new Set<AttackConn>();
  const cutOff = setInterval(() => {
    if (cut()) for (const c of live) void c.end();
  }, 100);
  async function worker(): Promise<void> {
    while (!over()) {
      const i = n++;
      tally.attempts++;
      const conn = await open(o.port, o.from[i % o.from.length] ?? '127.0.0.2');
      if (!conn) {
        tally.refused++;
        await new Promise((resolve) => setTimeout(resolve, REFUSED_PAUSE_MS));
        continue;
      }
      tally.connections++;
      live.add(conn);
      try {
        await o.session(conn, tally, i);
      } finally {
        live.delete(conn);
        if (!conn.closed) await conn.end();
        if (conn.closedByGateway) tally.closedByGateway++;
        if (conn.closedByGateway && conn.replies.length === 0) tally.refused++;
        for (const r of conn.replies) {
          const kind = r.qnRtn === undefined ? r.cn : `${r.cn} QnRtn=${r.qnRtn}`;
          tally.replies[kind] = (tally.replies[kind] ?? 0) + 1;
        }
      }
      if (conn.closedByGateway && conn.replies.length === 0) await new Promise((resolve) => setTimeout(resolve, REFUSED_PAUSE_MS));
    }
  }
  await Promise.all(Array.from({ length: o.workers }, worker)).finally(() => clearInterval(cutOff));
  tally.durationS = Math.round((Date.now() - start) / 100) / 10;
  return tally;
}

/**
 * Sends frames over the connection as fast as it drains, in writes of `batch` frames, until `over()` or closed. With
 * `answerBoundMs` it then waits (at most that long) for one answer per frame sent, as a collector reading its
 * replies would; closing at once would reset the connection and drop what the gateway had not read yet.
 */
export async function floodFrames(conn: AttackConn, tally: AttackTally, next: (i: number) => Buffer, over: () => boolean, batch = 50, answerBoundMs = 0): Promise<void> {
  let i = 0;
  while (!over() && !conn.closed) {
    const chunk: Buffer[] = [];
    for (let k = 0; k < batch; k++) chunk.push(next(i++));
    const bytes = Buffer.concat(chunk);
    if (!(await conn.send(bytes))) break;
    tally.frames += batch;
    tally.bytes += bytes.length;
  }
  if (answerBoundMs > 0) await conn.replied(i, answerBoundMs);
}

/** `9011 QnRtn=3: 12, 9014: 1` — the replies of a tally for a report note. */
export function repliesText(t: AttackTally): string {
  const parts = Object.entries(t.replies).map(([k, v]) => `${k}: ${v}`);
  return parts.length ? parts.join(', ') : 'no answers';
}
