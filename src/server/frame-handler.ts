/**
 * One frame from a collector: parse → admit (MN, profile, password) → dispatch by CN → reply. Every frame ends
 * with a verdict that is counted, archived raw and, for rejections, logged; nothing is dropped silently.
 */
import { parseFrame, type Packet, type ParseOk } from '../../protocol/index.js';
import { admit } from './authenticate.js';
import { AuthFailures } from './auth-failures.js';
import { Batcher } from './batcher.js';
import type { ConnectionContext } from './connection-context.js';
import type { GatewayDeps, GatewayOptions } from './gateway-deps.js';
import { peekHeader } from './peek-header.js';
import { KIND_BY_CN } from './points.js';
import { QN_RTN_FOR, encodeAck, encodeNotifyReply, encodeRejection, wantsAnswer } from './replies.js';
import type { SessionTable } from './session-table.js';
import { SubpacketTracker } from './subpackets.js';
import { UploadStore } from './upload.js';
import type { Counter } from 'prom-client';
import type { ArchivedFrame } from '../domain/ports.js';

/** CNs that answer a command we sent (HJ212-2017 6.4: 9011 request answer, 9012 execution result, get-* uploads). */
const COMMAND_ANSWERS = new Set(['9011', '9012', '1011', '1061', '1063', '3017', '3018', '3019', '3020']);
/** Notifications the host answers with 9013 (HJ212-2017 6.4.4; 2025 1001/1014). */
const NOTIFICATIONS = new Set(['1013', '1001', '1014', '9013']);

const HJ_ERR_TO_QN_RTN: Record<string, string> = { HJ_ERR_CRC: QN_RTN_FOR.crc, HJ_ERR_MN: QN_RTN_FOR.mn, HJ_ERR_QN: '7' };

export class FrameHandler {
  readonly uploads: UploadStore;
  readonly subpackets: SubpacketTracker;
  private readonly authFailures: AuthFailures;
  private readonly archive: Batcher<ArchivedFrame>;
  /** prom-client hashes the label set on every inc(); the children are kept per CN + verdict instead. */
  private readonly frameCounters = new Map<string, Counter.Internal>();

  constructor(
    private readonly deps: GatewayDeps,
    private readonly opts: GatewayOptions,
    private readonly sessions: SessionTable,
  ) {
    this.uploads = new UploadStore(deps);
    this.subpackets = new SubpacketTracker(opts.subpacketTimeoutMs);
    this.authFailures = new AuthFailures(opts.maxAuthFailuresPerMinute);
    this.archive = new Batcher(
      (frames) => deps.archive.append(frames),
      (err, frames) => deps.logger.error({ err, frames: frames.length }, 'frame archive write failed'),
    );
  }

  /** Handle one complete frame. `frame` is copied; the caller may reuse its buffer. */
  async handle(frameView: Uint8Array, ctx: ConnectionContext): Promise<void> {
    const raw = Buffer.from(frameView);
    const receivedAt = this.deps.clock.now();
    const encoding = ctx.device?.profile.encoding ?? ctx.encoding;
    const maxDataLength = Math.max(this.opts.maxDataLength, ctx.device?.profile.maxDataLength ?? 0);
    let parsed = parseFrame(raw, { maxDataLength, encoding });
    if (!parsed.ok) {
      const head = peekHeader(raw);
      this.finish(ctx, raw, receivedAt, head, parsed.code, parsed.message);
      if (head && wantsAnswer(head)) ctx.send(encodeRejection(head, HJ_ERR_TO_QN_RTN[parsed.code] ?? QN_RTN_FOR.unknown, ctx));
      return;
    }
    const device = parsed.packet.mn ? await this.deps.registry.get(parsed.packet.mn) : undefined;
    if (device && device.profile.encoding !== encoding) {
      // First frame of a connection: text was decoded before the device (and its GBK profile) was known.
      const again = parseFrame(raw, { maxDataLength: Math.max(maxDataLength, device.profile.maxDataLength), encoding: device.profile.encoding });
      if (again.ok) parsed = again;
    }
    const { packet } = parsed;
    const admission = admit(parsed, device, { device: ctx.device, password: ctx.lastPassword });
    if (!admission.ok) return this.reject(ctx, raw, receivedAt, parsed, admission.verdict, admission.qnRtn, admission.unknownMn === true);
    ctx.crc = parsed.crc;
    ctx.encoding = admission.device.profile.encoding;
    if (ctx.device?.mn !== admission.device.mn) this.sessions.bind(admission.device.mn, ctx, receivedAt);
    ctx.device = admission.device;
    ctx.lastPassword = packet.pw;
    // ST 91 marks the collector's replies (HJ212-2017 6.3.2); commands go out with its own system code.
    if (packet.st !== '91') ctx.lastSt = packet.st;
    ctx.version = parsed.version;
    this.deps.sessions.touch(admission.device.mn, { lastFrameAt: receivedAt });
    await this.dispatch(parsed, ctx, raw, receivedAt);
  }

  private async dispatch(parsed: ParseOk, ctx: ConnectionContext, raw: Buffer, receivedAt: number): Promise<void> {
    const { packet } = parsed;
    const kind = KIND_BY_CN[packet.cn];
    if (kind) return this.upload(packet, kind, ctx, raw, receivedAt);
    if (COMMAND_ANSWERS.has(packet.cn)) {
      this.finish(ctx, raw, receivedAt, packet, 'reply');
      await this.deps.commands
        .reply({ mn: packet.mn ?? '', qn: packet.qn ?? '', cn: packet.cn, cp: packet.cp, at: receivedAt })
        .catch((err) => this.deps.logger.error({ err }, 'command reply routing failed'));
      return;
    }
    if (NOTIFICATIONS.has(packet.cn)) {
      this.finish(ctx, raw, receivedAt, packet, 'notification');
      if (wantsAnswer(packet) && packet.cn !== '9013') ctx.send(encodeNotifyReply(packet, ctx));
      return;
    }
    this.finish(ctx, raw, receivedAt, packet, 'unknown-cn', `CN ${packet.cn} is not handled`);
    if (wantsAnswer(packet)) ctx.send(encodeRejection(packet, QN_RTN_FOR.cn, ctx));
  }

  private async upload(packet: Packet, kind: string, ctx: ConnectionContext, raw: Buffer, receivedAt: number): Promise<void> {
    const device = ctx.device;
    if (!device) return;
    ctx.inflight++;
    try {
      const outcome = await this.uploads.store(packet, kind, device, receivedAt, raw);
      if (outcome.verdict === 'dead-letter') {
        this.finish(ctx, raw, receivedAt, packet, 'dead-letter', outcome.reason);
        return;
      }
      this.trackSubpacket(packet, device.mn, receivedAt);
      this.finish(ctx, raw, receivedAt, packet, outcome.verdict);
      if (wantsAnswer(packet)) {
        ctx.send(encodeAck(packet, ctx));
        const now = this.deps.clock.now();
        this.deps.metrics.ackLatency.observe((now - receivedAt) / 1000);
        this.deps.sessions.touch(device.mn, { lastAckAt: now });
      }
    } finally {
      ctx.inflight--;
    }
  }

  private trackSubpacket(packet: Packet, mn: string, now: number): void {
    if (packet.pnum === undefined || packet.pno === undefined || packet.pnum <= 1) return;
    this.subpackets.add(mn, packet.qn ?? '', packet.cn, packet.pnum, packet.pno, now);
  }

  private async reject(ctx: ConnectionContext, raw: Buffer, at: number, parsed: ParseOk, verdict: string, qnRtn: string, unknownMn: boolean): Promise<void> {
    const { packet } = parsed;
    this.finish(ctx, raw, at, packet, verdict);
    if (unknownMn && packet.mn) {
      // Recorded before the 9011 goes out, so an operator who sees the rejection also finds the pending entry.
      await this.deps.registry
        .recordPending({ mn: packet.mn, sourceIp: ctx.remoteIp, sampleFrame: raw.toString('latin1'), at: new Date(at) })
        .catch((err) => this.deps.logger.error({ err }, 'pending-device record failed'));
    }
    if (wantsAnswer(packet)) ctx.send(encodeRejection(packet, qnRtn, { crc: parsed.crc, encoding: ctx.encoding }));
    if (verdict === 'bad-password') {
      const overIp = this.authFailures.fail(`ip:${ctx.remoteIp}`, at);
      const overMn = this.authFailures.fail(`mn:${packet.mn ?? ''}`, at);
      if (overIp || overMn) ctx.close('too many password failures');
    }
  }

  /** Count, archive and (for rejections) log the frame's verdict. */
  private finish(ctx: ConnectionContext, raw: Buffer, at: number, packet: Packet | undefined, verdict: string, detail?: string): void {
    const cn = packet?.cn || 'none';
    this.countFrame(cn, verdict);
    const rejected = verdict !== 'stored' && verdict !== 'duplicate' && verdict !== 'reply' && verdict !== 'notification';
    if (rejected) {
      this.deps.logger.warn({ conn: ctx.id, remote: ctx.remoteIp, mn: packet?.mn, cn, verdict, detail }, 'frame rejected');
      if (packet?.mn) this.deps.sessions.touch(packet.mn, { rejectionsToday: 1 });
    } else if (packet?.mn) {
      this.deps.sessions.touch(packet.mn, { framesToday: 1 });
    }
    this.archive.push({ receivedAt: at, sourceIp: ctx.remoteIp, mn: packet?.mn, cn: packet?.cn, verdict, code: detail, raw: raw.toString('base64') });
  }

  private countFrame(cn: string, verdict: string): void {
    const key = `${cn}\n${verdict}`;
    let counter = this.frameCounters.get(key);
    if (!counter) this.frameCounters.set(key, (counter = this.deps.metrics.frames.labels({ cn, verdict })));
    counter.inc();
  }

  /** A candidate frame the framer had to drop (bad length field, too long, bad trailer). */
  framingError(ctx: ConnectionContext, code: string, message: string, bytes: Uint8Array): void {
    const raw = Buffer.from(bytes.subarray(0, 2048));
    this.finish(ctx, raw, this.deps.clock.now(), ctx.device ? { cn: '', mn: ctx.device.mn, cp: {} } : undefined, code, message);
  }

  /** Expire sub-packet sets and failure windows; called periodically by the server. */
  sweep(now: number): void {
    for (const set of this.subpackets.expire(now)) {
      this.deps.logger.warn({ ...set }, 'sub-packet set incomplete');
      this.countFrame(set.cn, 'subpacket-incomplete');
      this.archive.push({ receivedAt: now, sourceIp: '', mn: set.mn, cn: set.cn, verdict: 'subpacket-incomplete', code: `missing ${set.missing.join(',')} of ${set.pnum} (qn ${set.qn})`, raw: '' });
    }
    this.authFailures.prune(now);
  }

  async flush(): Promise<void> {
    await Promise.all([this.archive.flush(), this.uploads.flush()]);
  }
}
