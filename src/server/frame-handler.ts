/**
 * One frame from a collector: parse → admit (MN, profile, password) → dispatch by CN → reply. Every frame ends
 * with a verdict that is counted, archived raw (byte-capped queue) and, for rejections, charged to the connection's
 * error budget and logged in a per-connection summary (defences.ts); nothing is dropped silently.
 */
import { maskPassword, parseFrame, type Packet, type ParseOk } from '../../protocol/index.js';
import { GATEWAY_PARSING } from '../domain/device-quirks.js';
import { defaultLimits } from '../config.js';
import { ArchiveRecorder } from './archive-recorder.js';
import { admit } from './authenticate.js';
import { CappedBatcher } from './capped-batcher.js';
import type { Defences } from './defences.js';
import type { ConnectionContext } from './connection-context.js';
import type { GatewayDeps, GatewayOptions } from './gateway-deps.js';
import { peekHeader } from './peek-header.js';
import { familyOf } from './cn-table.js';
import { QN_RTN_FOR, encodeAck, encodeNotifyReply, encodeRejection, wantsAnswer } from './replies.js';
import type { SessionTable } from './session-table.js';
import { SubpacketTracker, type IncompleteSet } from './subpackets.js';
import { UploadStore } from './upload.js';
import type { Counter } from 'prom-client';
import type { ArchivedFrame } from '../domain/ports.js';

/** Summaries (dropped readings, incomplete sub-packet sets) are logged at most this often. */
const SUMMARY_EVERY_MS = 10_000;

const HJ_ERR_TO_QN_RTN = new Map<string, string>([
  ['HJ_ERR_CRC', QN_RTN_FOR.crc],
  ['HJ_ERR_MN', QN_RTN_FOR.mn],
  ['HJ_ERR_QN', '7'],
]);

/** Verdicts that are not rejections. */
const ACCEPTED = new Set(['stored', 'stored-partial', 'duplicate', 'reply', 'notification']);

/** Approximate bytes an archived frame holds in the queue (its base64 raw dominates). */
const archivedBytes = (f: ArchivedFrame): number => f.raw.length + (f.code?.length ?? 0) + 64;

export class FrameHandler {
  readonly uploads: UploadStore;
  readonly subpackets: SubpacketTracker;
  private readonly archive: ArchiveRecorder;
  private readonly archiveQueue: CappedBatcher<ArchivedFrame>;
  private lastSummaryAt = 0;
  /** Incomplete sub-packet sets since the last summary: their number and the first few. */
  private incomplete = { sets: 0, first: [] as IncompleteSet[] };
  /** prom-client hashes the label set on every inc(); the children are kept per CN + verdict instead. */
  private readonly frameCounters = new Map<string, Counter.Internal>();

  constructor(
    private readonly deps: GatewayDeps,
    private readonly opts: GatewayOptions,
    private readonly sessions: SessionTable,
    private readonly defences: Defences,
  ) {
    const defaults = opts.limits && opts.archive ? undefined : defaultLimits();
    const limits = opts.limits ?? defaults!.storageLimits;
    this.uploads = new UploadStore(deps, limits);
    this.subpackets = new SubpacketTracker({ timeoutMs: opts.subpacketTimeoutMs, maxPnum: limits.maxPnum, maxSetsPerMn: limits.maxSubpacketSetsPerMn });
    this.archiveQueue = new CappedBatcher(
      (frames) => deps.archive.append(frames),
      (err, frames) => deps.logger.error({ err, frames: frames.length }, 'frame archive write failed'),
      defences.limits.archiveQueueMaxBytes,
      archivedBytes,
      () => deps.metrics.dropped.inc({ queue: 'archive' }),
    );
    this.archive = new ArchiveRecorder((frame) => this.archiveQueue.push(frame), opts.archive ?? defaults!.archive, deps.metrics);
  }

  /** Side-effect queues over half their cap: the server pauses sockets until they drain. */
  get backedUp(): boolean {
    return this.archiveQueue.backedUp;
  }

  /** Handle one complete frame. `frame` is copied; the caller may reuse its buffer. */
  async handle(frameView: Uint8Array, ctx: ConnectionContext): Promise<void> {
    const raw = Buffer.from(frameView);
    const receivedAt = this.deps.clock.now();
    const encoding = ctx.device?.profile.encoding ?? ctx.encoding;
    const maxDataLength = Math.max(this.opts.maxDataLength, ctx.device?.profile.maxDataLength ?? 0);
    // Widest options (length policy, MN alphabet): admit() holds what was tolerated against the device's record.
    let parsed = parseFrame(raw, { maxDataLength, encoding, ...GATEWAY_PARSING });
    if (!parsed.ok) {
      if (!ctx.charge()) return;
      const head = peekHeader(raw);
      const registered = await this.linkMn(ctx, head?.mn, raw, receivedAt, false);
      this.finish(ctx, raw, receivedAt, head, parsed.code, parsed.message, registered);
      if (head && wantsAnswer(head)) ctx.send(encodeRejection(head, HJ_ERR_TO_QN_RTN.get(parsed.code) ?? QN_RTN_FOR.unknown, ctx));
      return;
    }
    const device = parsed.packet.mn ? await this.deps.registry.get(parsed.packet.mn) : undefined;
    if (device && device.profile.encoding !== encoding) {
      // First frame of a connection: text was decoded before the device (and its GBK profile) was known.
      const again = parseFrame(raw, { maxDataLength: Math.max(maxDataLength, device.profile.maxDataLength), encoding: device.profile.encoding, ...GATEWAY_PARSING });
      if (again.ok) parsed = again;
    }
    const { packet } = parsed;
    const verifiedHere = ctx.device !== undefined && ctx.device === device && ctx.lastPassword === packet.pw;
    if (device && !verifiedHere) {
      // No password is evaluated during a lockout: a right guess then is worth nothing (SECURITY.md).
      const scope = this.defences.auth.locked(ctx.remoteIp, device.mn, receivedAt);
      if (scope) return this.lockedOut(ctx, raw, receivedAt, parsed);
    }
    const admission = admit(parsed, device, { device: ctx.device, password: ctx.lastPassword });
    if (!admission.ok) return this.reject(ctx, raw, receivedAt, parsed, admission.verdict, admission.qnRtn, admission.unknownMn === true);
    for (const w of parsed.warnings) this.deps.metrics.frameWarnings.inc({ code: w.code });
    if (!verifiedHere) this.defences.auth.succeed(ctx.remoteIp, admission.device.mn, receivedAt);
    ctx.alive();
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
    const f = familyOf(packet.cn);
    if (f.family === 'upload') return this.upload(packet, f.kind, ctx, raw, receivedAt);
    if (f.family === 'command-answer') {
      this.finish(ctx, raw, receivedAt, packet, 'reply');
      await this.deps.commands
        .reply({ mn: packet.mn ?? '', qn: packet.qn ?? '', cn: packet.cn, cp: packet.cp, at: receivedAt })
        .catch((err) => this.deps.logger.error({ err }, 'command reply routing failed'));
      return;
    }
    if (f.family === 'notification') {
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
        this.finish(ctx, raw, receivedAt, packet, 'dead-letter', outcome.reason, true);
        // Refused for good (kept as a dead letter): answered, so the collector does not retransmit it forever.
        if (wantsAnswer(packet)) ctx.send(encodeRejection(packet, QN_RTN_FOR.refused, ctx));
        return;
      }
      if ('qnRtn' in outcome) {
        // Refused by a storage limit (DataTime window): nothing written, answered 9011 (src/server/upload-limits.ts).
        this.finish(ctx, raw, receivedAt, packet, outcome.verdict, outcome.reason);
        if (wantsAnswer(packet)) ctx.send(encodeRejection(packet, outcome.qnRtn, ctx));
        return;
      }
      this.trackSubpacket(packet, device.mn, receivedAt);
      this.finish(ctx, raw, receivedAt, packet, outcome.verdict, outcome.verdict === 'stored-partial' ? outcome.detail : undefined);
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
    if (this.subpackets.add(mn, packet.qn ?? '', packet.cn, packet.pnum, packet.pno, now) === 'untracked') this.deps.metrics.limited.inc({ limit: 'subpacket-untracked' });
  }

  private async reject(ctx: ConnectionContext, raw: Buffer, at: number, parsed: ParseOk, verdict: string, qnRtn: string, unknownMn: boolean): Promise<void> {
    const { packet } = parsed;
    // The failure is recorded first, synchronously: frames of one connection interleave at the registry await.
    const locks = verdict === 'bad-password' ? this.defences.auth.fail(ctx.remoteIp, packet.mn ?? '', at) : [];
    for (const scope of locks) this.defences.lockedOut(scope, ctx.remoteIp, packet.mn ?? '');
    if (!ctx.charge()) return;
    this.finish(ctx, raw, at, packet, verdict, undefined, !unknownMn);
    // Recorded before the 9011 goes out, so an operator who sees the rejection also finds the pending entry.
    if (unknownMn) await this.linkMn(ctx, packet.mn, raw, at, true);
    if (wantsAnswer(packet)) ctx.send(encodeRejection(packet, qnRtn, { crc: parsed.crc, encoding: ctx.encoding }));
    if (locks.length > 0) ctx.close('password lockout');
  }

  /** A login during a lockout: answered as a password error without evaluating the password, then closed. */
  private lockedOut(ctx: ConnectionContext, raw: Buffer, at: number, parsed: ParseOk): void {
    const { packet } = parsed;
    if (!ctx.charge()) return;
    this.finish(ctx, raw, at, packet, 'locked-out', undefined, true);
    if (wantsAnswer(packet)) ctx.send(encodeRejection(packet, QN_RTN_FOR.password, { crc: parsed.crc, encoding: ctx.encoding }));
    ctx.close('password lockout');
  }

  /**
   * The MN of a frame rejected before admission (framing error, bad CRC, unknown MN), when its header is readable:
   * true when it is registered (its status then counts the rejection); an unknown MN becomes a pending device
   * (bounded, pending-recorder.ts). `valid`: the frame parsed (its CRC verified) and its MN is already known to be
   * unregistered; otherwise the registry (cached, negative answers too) is asked.
   */
  private async linkMn(ctx: ConnectionContext, mn: string | undefined, raw: Buffer, at: number, valid: boolean): Promise<boolean> {
    if (ctx.device && ctx.device.mn === mn) return true;
    if (!mn || !/^[\x21-\x7e]{1,64}$/.test(mn)) return false;
    const device = valid ? undefined : await this.deps.registry.get(mn).catch(() => undefined);
    if (device) return true;
    await this.defences.pending.record({ mn, sourceIp: ctx.remoteIp, sampleFrame: maskPassword(raw.toString('latin1')), at, valid });
    return false;
  }

  /**
   * Count, archive and (for rejections) summarise the frame's verdict. `registered`: `packet.mn` is a registered
   * device, whose status counts the frame; nothing an unknown sender does creates a status entry.
   */
  private finish(ctx: ConnectionContext, raw: Buffer, at: number, packet: Packet | undefined, verdict: string, detail?: string, registered = true): void {
    const cn = packet?.cn || 'none';
    this.countFrame(cn, verdict);
    const mn = registered ? packet?.mn : undefined;
    if (!ACCEPTED.has(verdict)) {
      this.defences.rejections.note(ctx.id, verdict, () => ({ conn: ctx.id, remote: ctx.remoteIp, mn: packet?.mn, cn, verdict, detail: detail && maskPassword(detail) }));
      if (mn) this.deps.sessions.touch(mn, { rejectionsToday: 1 });
    } else if (mn) {
      this.deps.sessions.touch(mn, { framesToday: 1 });
    }
    this.archive.record({ receivedAt: at, sourceIp: ctx.remoteIp, mn: packet?.mn, cn: packet?.cn, verdict, code: detail && maskPassword(detail) }, raw);
  }

  private countFrame(cn: string, verdict: string): void {
    const key = `${cn}\n${verdict}`;
    let counter = this.frameCounters.get(key);
    if (!counter) this.frameCounters.set(key, (counter = this.deps.metrics.frames.labels({ cn, verdict })));
    counter.inc();
  }

  /** A candidate frame the framer had to drop (bad length field, too long, bad trailer). */
  framingError(ctx: ConnectionContext, code: string, message: string, bytes: Uint8Array): void {
    if (!ctx.charge()) return;
    const raw = Buffer.from(bytes.subarray(0, 2048));
    const at = this.deps.clock.now();
    const head = ctx.device ? { cn: '', mn: ctx.device.mn, cp: {} } : peekHeader(raw);
    // Linked to the MN when the header is readable (issue: rejections before admission showed 0 in the status).
    void this.linkMn(ctx, head?.mn, raw, at, false).then((registered) => this.finish(ctx, raw, at, head, code, message, registered));
  }

  /** Expire sub-packet sets; called periodically by the server. */
  sweep(now: number): void {
    const incomplete = this.subpackets.expire(now);
    for (const set of incomplete) {
      this.countFrame(set.cn, 'subpacket-incomplete');
      if (set.evicted) this.deps.metrics.limited.inc({ limit: 'subpacket-sets' });
      const why = set.evicted ? 'closed early: too many open sets for this MN; ' : '';
      this.archive.note({ receivedAt: now, sourceIp: '', mn: set.mn, cn: set.cn, verdict: 'subpacket-incomplete', code: `${why}missing ${set.missing} of ${set.pnum} (qn ${set.qn})`, raw: '' });
    }
    this.incomplete.sets += incomplete.length;
    for (const set of incomplete) if (this.incomplete.first.length < 5) this.incomplete.first.push(set);
    this.archive.sweep(now);
    if (now - this.lastSummaryAt >= SUMMARY_EVERY_MS) {
      this.lastSummaryAt = now;
      this.summarise();
    }
  }

  /** One log line per kind and interval, never one per frame or set. */
  private summarise(): void {
    this.uploads.factors.summarise();
    if (this.incomplete.sets === 0) return;
    this.deps.logger.warn(this.incomplete, 'sub-packet sets incomplete');
    this.incomplete = { sets: 0, first: [] };
  }

  async flush(): Promise<void> {
    this.archive.sweep(Number.POSITIVE_INFINITY);
    this.summarise();
    await Promise.all([this.archiveQueue.flush(), this.uploads.flush()]);
  }
}
