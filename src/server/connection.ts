/**
 * One collector socket: framer → frame handler, idle timeout (no admitted frame, whatever bytes arrive), slow-loris
 * and junk limits, a per-connection error budget (then close and ban the address), per-connection flow control.
 * Input never throws out of here: errors are logged and counted.
 *
 * An idle connection holds only what it must (issue 13: ≤ 4 KB each at 18,000): the connection is one object whose
 * methods live on its prototype and whose socket listeners are shared by all sockets; its deadlines sit in the
 * gateway's {@link DeadlineWheel} (no timer per socket); the framer exists only while a frame is partly received, the
 * set of frames being handled only while there are some, the child logger only once the connection logs.
 */
import type { Socket } from 'node:net';
import { createFramer, type Framer, type FramerError } from '../../protocol/index.js';
import type { CrcVariant, TextEncoding, Version } from '../../protocol/index.js';
import { GATEWAY_FRAMING } from '../domain/device-quirks.js';
import type { Device } from '../domain/device.js';
import type { Logger } from '../log.js';
import type { ConnectionContext } from './connection-context.js';
import type { DeadlineWheel, Expiring } from './deadlines.js';
import type { Defences } from './defences.js';
import type { FrameHandler } from './frame-handler.js';
import type { GatewayDeps, GatewayOptions } from './gateway-deps.js';
import type { SessionTable } from './session-table.js';

/** Junk bytes tolerated without one good frame before the stream is considered unrecoverable. */
const MAX_JUNK_BYTES = 1 << 20;

/** Close reasons summarised elsewhere (defences.ts, session-table.ts) rather than logged per connection. */
const QUIET_CLOSES = new Set(['error budget exceeded', 'password lockout', 'replaced by a newer connection with the same MN']);

/** What every connection of one gateway shares. */
export interface ConnectionShared {
  deps: GatewayDeps;
  opts: GatewayOptions;
  handler: FrameHandler;
  sessions: SessionTable;
  defences: Defences;
  deadlines: DeadlineWheel;
  /** Called once when the socket closed. */
  released(conn: Connection): void;
}

let nextId = 0;

/** The connection a socket belongs to (set before any listener can run). */
const CONNECTION = Symbol('hj212.connection');
type OwnedSocket = Socket & { [CONNECTION]: Connection };

export class Connection implements ConnectionContext, Expiring {
  readonly id = `c${(++nextId).toString(36)}`;
  readonly remoteIp: string;
  device?: Device;
  crc: CrcVariant = 'hj212';
  encoding: TextEncoding = 'utf-8';
  lastPassword?: string;
  lastSt?: string;
  version?: Version;
  inflight = 0;
  // Times updated on every frame start as numbers that are not small integers: a field declared without a value is
  // `undefined` first, and then every time stored in it is a new heap number instead of an update in place.
  deadline = Number.POSITIVE_INFINITY;
  bucket = -1;
  private idleUntil = Number.POSITIVE_INFINITY;
  /** When an unfinished frame closes the connection (slow client); Infinity while none is buffered. */
  private partialUntil = Number.POSITIVE_INFINITY;
  private framer: Framer | undefined;
  /** Frames waiting on a promise (registry lookups and the like; uploads are counted in `inflight`). */
  private pending: Set<Promise<void>> | undefined;
  private drainWaiters: Array<() => void> | undefined;
  private logger: Logger | undefined;
  private junkSinceFrame = 0;
  private globalPause = false;
  private localPause = false;
  private corked = false;
  private closed = false;
  private ended = false;
  private errors = 0;
  private errorWindowStart: number;

  constructor(
    readonly socket: Socket,
    private readonly shared: ConnectionShared,
  ) {
    this.remoteIp = socket.remoteAddress ?? 'unknown';
    const now = shared.deps.clock.now();
    this.errorWindowStart = now;
    this.idleUntil = this.deadline = now + shared.opts.idleTimeoutMs;
    shared.deadlines.schedule(this);
    (socket as OwnedSocket)[CONNECTION] = this;
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('end', onEnd);
    socket.on('close', onClose);
  }

  /** This connection as the per-frame logic sees it. */
  get ctx(): ConnectionContext {
    return this;
  }

  get open(): boolean {
    return !this.closed && !this.ended;
  }

  private get log(): Logger {
    return (this.logger ??= this.shared.deps.logger.child({ conn: this.id, remote: this.remoteIp }));
  }

  send(bytes: Uint8Array): void {
    if (!this.socket.writable) return;
    // The acks of one group commit are sent in the same tick: corked until then, they leave in one write.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(uncork, this);
    }
    this.socket.write(bytes);
  }

  uncork(): void {
    this.corked = false;
    this.socket.uncork();
  }

  charge(): boolean {
    if (this.closed) return false;
    const { deps, defences } = this.shared;
    const now = deps.clock.now();
    if (now - this.errorWindowStart >= defences.limits.errorWindowMs) {
      this.errorWindowStart = now;
      this.errors = 0;
    }
    const overConnection = ++this.errors > defences.limits.maxErrorsPerConnection;
    if (!defences.overAddressBudget(this.remoteIp, now) && !overConnection) return true;
    deps.metrics.connectionsRejected.inc({ reason: 'error-budget' });
    defences.ban(this.remoteIp, now);
    this.close('error budget exceeded');
    return false;
  }

  alive(): void {
    this.idleUntil = this.shared.deps.clock.now() + this.shared.opts.idleTimeoutMs;
    // Later than before: the wheel moves the connection when its current bucket comes due.
    this.deadline = Math.min(this.idleUntil, this.partialUntil);
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    // Budget and lockout closes are summarised per address (defences.ts); a flood must not log a line per close.
    if (!QUIET_CLOSES.has(reason)) this.log.info({ reason, mn: this.device?.mn }, 'closing connection');
    // A reply sent in this tick (the 9011 before an auth-failure close) must leave before the socket goes.
    if (this.corked) this.uncork();
    this.socket.destroy();
  }

  expire(now: number): void {
    if (now >= this.partialUntil) this.close('unfinished frame (slow client)');
    else if (now >= this.idleUntil) this.close('idle timeout');
    else this.deadline = Math.min(this.idleUntil, this.partialUntil);
  }

  /** Pause/resume reading for server-wide backpressure. */
  setGlobalPause(paused: boolean): void {
    this.globalPause = paused;
    this.updatePause();
  }

  /** Frames still being handled or stored; resolves when none are. */
  drained(): Promise<void> {
    if (this.inflight === 0 && this.pending === undefined) return Promise.resolve();
    return new Promise((resolve) => (this.drainWaiters ??= []).push(resolve));
  }

  uploadStarted(): void {
    this.inflight++;
  }

  uploadSettled(): void {
    this.inflight--;
    this.frameDone();
  }

  /** A frame finished: reading may resume, and drained() waiters wake once nothing is left. */
  private frameDone(): void {
    if (this.localPause) this.updatePause();
    if (this.drainWaiters === undefined || this.inflight > 0 || this.pending !== undefined) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = undefined;
    for (const wake of waiters) wake();
  }

  // Frames still being handled, not only uploads awaiting their write: frames of unknown MNs wait on the registry
  // too, and a sender must not queue more of them than this in memory (hostile-traffic fault 5b). An upload whose
  // device was looked up is briefly in both counts: the sum errs on the side of pausing.
  private busy(): boolean {
    return this.inflight + (this.pending?.size ?? 0) >= this.shared.opts.maxInflightPerConnection;
  }

  private updatePause(): void {
    this.localPause = this.busy();
    if (this.globalPause || this.localPause) this.socket.pause();
    else this.socket.resume();
  }

  data(chunk: Buffer): void {
    if (this.closed) return;
    const framer = (this.framer ??= createFramer({
      maxDataLength: this.shared.opts.maxFrameCeiling,
      // The device is not known yet: cut frames whose length field lies too; the frame handler judges per device.
      ...GATEWAY_FRAMING,
      onFrame: (frame) => this.frame(frame),
      onError: (err) => this.framingError(err),
    }));
    const before = framer.discarded;
    framer.push(chunk);
    const junk = framer.discarded - before;
    if (junk > 0) this.shared.deps.metrics.discardedBytes.inc(junk);
    this.junkSinceFrame += junk;
    if (this.junkSinceFrame > MAX_JUNK_BYTES) return this.close('no valid frame in 1 MiB of input');
    // Nothing held back: the next chunk gets a new framer (an idle connection holds none).
    if (framer.buffered === 0) this.framer = undefined;
    const partial = framer.buffered > 0;
    if (partial && this.partialUntil === Number.POSITIVE_INFINITY) {
      this.partialUntil = this.shared.deps.clock.now() + this.shared.opts.partialFrameTimeoutMs;
      this.deadline = Math.min(this.idleUntil, this.partialUntil);
      this.shared.deadlines.schedule(this);
    } else if (!partial && this.partialUntil !== Number.POSITIVE_INFINITY) {
      this.partialUntil = Number.POSITIVE_INFINITY;
      this.deadline = this.idleUntil;
    }
    if (this.busy()) this.updatePause();
  }

  private frame(frame: Uint8Array): void {
    // Closed by the gateway (budget, lockout) in the middle of a chunk: the rest is not handled (and not acked).
    if (this.closed) return;
    this.junkSinceFrame = 0;
    let handling: Promise<void> | void;
    try {
      handling = this.shared.handler.handle(frame, this);
    } catch (err) {
      // Thrown before the frame waited on anything: logged like a failed asynchronous frame, never a crash.
      this.log.error({ err }, 'frame handling failed');
      return;
    }
    // Handled from memory: nothing to wait for.
    if (handling === undefined) return;
    const pending = (this.pending ??= new Set());
    const settled = (): void => {
      pending.delete(p);
      if (pending.size === 0 && this.pending === pending) this.pending = undefined;
      this.frameDone();
    };
    // One derived promise per frame (not a catch and a finally).
    const p: Promise<void> = handling.then(settled, (err: unknown) => {
      this.log.error({ err }, 'frame handling failed');
      settled();
    });
    pending.add(p);
  }

  private framingError(err: FramerError): void {
    // After a budget close the rest of the chunk is still cut by the framer: nothing more is done for it.
    if (!this.closed) this.shared.handler.framingError(this, err.code, err.message, err.bytes);
  }

  socketError(err: Error): void {
    this.log.debug({ err }, 'socket error');
  }

  socketEnd(): void {
    this.ended = true;
  }

  socketClose(): void {
    this.ended = true;
    const { defences, deadlines, sessions } = this.shared;
    defences.rejections.flushKey(this.id);
    deadlines.remove(this);
    this.deadline = Number.POSITIVE_INFINITY;
    this.framer = undefined;
    sessions.unbind(this);
    this.shared.released(this);
  }
}

// Listeners shared by every collector socket: `this` is the socket.
function onData(this: OwnedSocket, chunk: Buffer): void {
  this[CONNECTION].data(chunk);
}
function onError(this: OwnedSocket, err: Error): void {
  this[CONNECTION].socketError(err);
}
function onEnd(this: OwnedSocket): void {
  this[CONNECTION].socketEnd();
}
function onClose(this: OwnedSocket): void {
  this[CONNECTION].socketClose();
}
function uncork(conn: Connection): void {
  conn.uncork();
}
