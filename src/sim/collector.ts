/**
 * A simulated collector (数采仪): connects, uploads on its schedule, waits for 9014 with OverTime/ReCount
 * retransmits, answers host requests (responder.ts), injects its faults, and reconnects after drops.
 * States: offline → connecting → online → (offline → connecting …) → stopped.
 */
import { encodeFrames, formatQn, parseFrame, type Packet } from '../../protocol/index.js';
import type { SimClock } from './clock.js';
import { corruptCrc, drawFrameFaults, garbageBytes, type FaultRates, type FrameFault } from './faults.js';
import type { CollectorIdentity } from './identity.js';
import { Link, type WriteMode } from './link.js';
import { createPacketBuilder, type PacketBuilder } from './packets.js';
import { PendingAcks, type Outcome } from './pending.js';
import { answerRequest } from './responder.js';
import { createRng, hashString, type Rng } from './rng.js';
import { scheduleEvents, type Schedule, type UploadEvent } from './schedule.js';
import type { SimStats } from './stats.js';
import type { ValueOptions } from './values.js';

export interface CollectorOptions {
  identity: CollectorIdentity;
  host: string;
  port: number;
  localAddress?: string;
  schedule: Schedule;
  /** Flag A on uploads: ask for 9014 and wait for it. */
  ack: boolean;
  /** HJ212-2017 OverTime (default 5 s) and ReCount (default 3). */
  overTimeMs: number;
  reCount: number;
  /** Uploads in flight at once; real collectors send one and wait (1). */
  window: number;
  faults: FaultRates;
  clock: SimClock;
  stats: SimStats;
  timeZone: string;
  seed: number;
  values?: ValueOptions;
  /** Base delay before reconnecting after a drop, ms (jittered ×0.5–1.5). */
  reconnectMs: number;
  /** Realtime phase within the interval, ms, so a fleet does not upload in lock-step. */
  phaseMs: number;
}

/** When a run ends: after `count` scheduled uploads or at simulated time `endAt`, whichever first. */
export interface RunLimits {
  count?: number;
  endAt?: number;
}

/** Largest data segment of a sub-packet fault's parts: small enough that every upload splits. */
const SUBPACKET_MAX = 160;
const MAX_RECONNECT_MS = 30_000;

type State = 'offline' | 'connecting' | 'online' | 'stopped';

export class Collector {
  readonly id: CollectorIdentity;
  readonly builder: PacketBuilder;
  /** Current RtdInterval (s) and MinInterval (min), changed by 1062/1064. */
  rtdIntervalS: number;
  minIntervalMin: number;
  /** Current access password, changed by 1072. */
  password: string;
  /** Latest simulated time this collector reached (its own clock in virtual mode). */
  simNow: number;
  state: State = 'offline';
  private readonly link: Link;
  private readonly pending: PendingAcks;
  private readonly rng: Rng;
  private lastQnMs = 0;
  private inflight = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failedConnects = 0;
  private scheduleChanged = false;
  /** The gateway has sent this collector at least one frame: it was admitted. */
  heard = false;

  constructor(readonly opts: CollectorOptions) {
    this.id = opts.identity;
    this.builder = createPacketBuilder(opts.identity, opts.timeZone, opts.values);
    this.rtdIntervalS = opts.schedule.realtimeS;
    this.minIntervalMin = opts.schedule.minuteMin;
    this.password = opts.identity.password;
    this.simNow = opts.clock.startMs;
    this.rng = createRng(opts.seed ^ hashString(opts.identity.mn));
    this.pending = new PendingAcks({ overTimeMs: opts.overTimeMs, reCount: opts.reCount, stats: opts.stats, resend: (f) => this.write(f) });
    this.link = new Link({
      host: opts.host,
      port: opts.port,
      localAddress: opts.localAddress,
      onFrame: (f) => this.receive(f),
      onOpen: () => {
        // A connection that completes after stop() (the attempt was in flight) is closed at once, else it would
        // keep the process alive after the summary.
        opts.stats.counters.connects++;
        opts.stats.open++;
        if (this.state === 'stopped') return void this.link.end();
        this.state = 'online';
        this.failedConnects = 0;
      },
      onClose: (_hadError, refused) => {
        opts.stats.open--;
        opts.stats.counters.disconnects++;
        if (refused) {
          opts.stats.counters.refused++;
          opts.stats.counters.errors++;
        }
        if (this.state !== 'stopped') this.scheduleReconnect();
      },
    });
  }

  /** True while the TCP connection is open. */
  get online(): boolean {
    return this.link.connected;
  }

  get stopped(): boolean {
    return this.state === 'stopped';
  }

  /** Device time now: the simulated clock (or this collector's own virtual time) plus its skew. */
  deviceNow(): number {
    return (this.opts.clock.virtual ? this.simNow : this.opts.clock.now()) + this.id.skewMs;
  }

  /** A fresh QN: the device time in ms, strictly increasing per collector so concurrent uploads never share one. */
  nextQn(at = this.deviceNow()): string {
    this.lastQnMs = Math.max(at, this.lastQnMs + 1);
    return formatQn(this.lastQnMs, this.opts.timeZone);
  }

  /** Connects; resolves once connected or after the first attempt failed (reconnects continue in the background). */
  async connect(): Promise<boolean> {
    if (this.state === 'stopped') return false;
    this.state = 'connecting';
    const ok = await this.link.open();
    if (!ok) {
      this.opts.stats.counters.refused++;
      this.opts.stats.counters.errors++;
      this.failedConnects++;
      this.scheduleReconnect();
    }
    return ok;
  }

  private scheduleReconnect(): void {
    if (this.state === 'stopped' || this.reconnectTimer) return;
    this.state = 'offline';
    const base = Math.min(MAX_RECONNECT_MS, this.opts.reconnectMs * 2 ** Math.min(this.failedConnects, 5));
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, base * (0.5 + this.rng()));
  }

  /** Drops the connection now (storms); the collector reconnects like after any drop. */
  drop(): void {
    this.link.drop();
  }

  /** Uploads on the schedule until the limits are reached or the collector is stopped. */
  async run(limits: RunLimits = {}): Promise<void> {
    let sent = 0;
    let events = this.events(this.simNow);
    const inflight = new Set<Promise<unknown>>();
    const track = (p: Promise<unknown>): void => {
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    };
    while (this.state !== 'stopped' && sent < (limits.count ?? Infinity)) {
      if (this.scheduleChanged) events = this.events(this.simNow);
      const ev = events.next().value as UploadEvent | undefined;
      if (!ev || ev.at > (limits.endAt ?? Infinity)) break;
      await this.opts.clock.until(ev.at);
      if (this.stopped) break;
      this.simNow = Math.max(this.simNow, ev.at);
      await this.slot();
      sent++;
      track(this.fire(ev, () => (sent < (limits.count ?? Infinity) ? (sent++, events.next().value as UploadEvent) : undefined)).finally(() => this.release()));
    }
    await Promise.all([...inflight]);
  }

  private events(from: number): Generator<UploadEvent> {
    this.scheduleChanged = false;
    const schedule = { ...this.opts.schedule, realtimeS: this.rtdIntervalS, minuteMin: this.minIntervalMin };
    return scheduleEvents(schedule, from, this.opts.timeZone, this.opts.phaseMs);
  }

  /** Changes RtdInterval / MinInterval (1062 / 1064): the schedule restarts from now. */
  setIntervals(rtdS: number, minMin: number): void {
    this.rtdIntervalS = rtdS;
    this.minIntervalMin = minMin;
    this.scheduleChanged = true;
  }

  private async slot(): Promise<void> {
    while (this.inflight >= this.opts.window && this.state !== 'stopped') await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    this.inflight++;
  }

  private release(): void {
    this.inflight--;
    this.slotWaiters.shift()?.();
  }

  /** One scheduled upload with its per-frame faults; `extra` pulls the next scheduled upload early (coalesce, reorder). */
  private async fire(ev: UploadEvent, extra: () => UploadEvent | undefined): Promise<void> {
    const faults = drawFrameFaults(this.opts.faults, this.rng);
    for (const f of faults) this.opts.stats.fault(f);
    if (faults.has('backdated')) {
      const hours = 1 + Math.floor(this.rng() * 72);
      const start = Math.floor(ev.at / 3_600_000) * 3_600_000 - hours * 3_600_000;
      await this.sendUploads([this.packetFor({ cn: '2061', dataTime: start, lengthMs: 3_600_000 }, new Set())], {});
    }
    const packet = this.packetFor(ev, faults);
    const next = faults.has('coalesce') || faults.has('outOfOrder') ? extra() : undefined;
    if (!next) return void (await this.sendUploads([packet], this.writeMode(faults), faults));
    const second = this.packetFor(next, new Set());
    if (faults.has('coalesce')) return void (await this.sendUploads([packet, second], this.writeMode(faults), faults));
    // Out of order: the later upload goes first.
    await Promise.all([this.sendUploads([second], {}), this.sendUploads([packet], this.writeMode(faults), faults)]);
  }

  private packetFor(ev: Pick<UploadEvent, 'cn' | 'dataTime' | 'lengthMs'>, faults: ReadonlySet<FrameFault>): Packet {
    const packet = this.builder.upload(ev, this.nextQn(ev.dataTime + this.id.skewMs), this.opts.ack);
    packet.pw = faults.has('wrongPassword') ? (this.password === '999999' ? '999998' : '999999') : this.password;
    if (faults.has('unknownMn')) packet.mn = `U${this.id.mn.slice(1)}`;
    return packet;
  }

  private writeMode(faults: ReadonlySet<FrameFault>): WriteMode {
    return { garbage: faults.has('garbage') ? garbageBytes(this.rng) : undefined, half: faults.has('halfFrame'), slow: this.id.slowWriter };
  }

  /**
   * Encodes `packets` (sub-packets if asked), writes them in one write, and waits for each one's 9014 when acks are
   * on. Bad CRC frames are still awaited: the gateway answers them with 9011 QnRtn=9, which ends the wait.
   */
  async sendUploads(packets: Packet[], mode: WriteMode, faults: ReadonlySet<FrameFault> = new Set()): Promise<Outcome[]> {
    const enc = { crc: this.id.crc, encoding: this.id.encoding, maxDataLength: faults.has('subpacket') ? SUBPACKET_MAX : 1024 };
    const parts = packets.map((p) => encodeFrames(p, enc).map((f) => (faults.has('badCrc') ? corruptCrc(f) : f)));
    const all = Buffer.concat(parts.flat());
    this.opts.stats.counters.uploads += packets.length;
    const waits = packets.map((p, i) => {
      const frames = parts[i] ?? [];
      return p.qn !== undefined && (p.flag ?? 0) & 1 ? this.pending.wait(p.qn, Buffer.concat(frames), frames.length) : Promise.resolve<Outcome>('sent');
    });
    this.count(parts.flat().length, all.length);
    await this.link.write(all, mode);
    if (faults.has('disconnect')) this.link.drop();
    return Promise.all(waits);
  }

  /** Writes frames as they are (replies, retransmits). */
  write(frames: Uint8Array, frameCount = 1): Promise<void> {
    this.count(frameCount, frames.length);
    return this.link.write(frames, { slow: this.id.slowWriter });
  }

  private count(frames: number, bytes: number): void {
    this.opts.stats.counters.frames += frames;
    this.opts.stats.counters.bytes += bytes;
  }

  private receive(frame: Uint8Array): void {
    this.heard = true;
    const r = parseFrame(frame, { encoding: this.id.encoding });
    if (!r.ok) return void this.opts.stats.counters.errors++;
    const p = r.packet;
    if (p.cn === '9014') return void this.pending.ack(p.qn ?? '');
    if (p.cn === '9011' && this.pending.reject(p.qn ?? '', p.cp.QnRtn ?? '')) return;
    if (p.cn.startsWith('90')) return;
    this.opts.stats.counters.requests++;
    answerRequest(this, p).catch(() => this.opts.stats.counters.errors++);
  }

  /** Stops uploading, gives up waiting for acks, and closes the connection gracefully. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.reconnectTimer);
    for (const w of this.slotWaiters.splice(0)) w();
    this.pending.close();
    await this.link.end();
  }
}
