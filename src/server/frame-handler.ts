/**
 * One frame from a collector: parse → admit (MN, profile, password) → the handler of its CN family (cn-table.ts):
 * upload, command answer, notification, or rejection (families/). Every frame ends with a verdict that is counted,
 * archived and, for rejections, charged to the connection's error budget (frame-verdicts.ts, families/rejection.ts).
 * What the connection learns from an admitted frame (device, CRC variant, encoding, password, ST, edition) is
 * written here and only here; the session table only takes the device away from a replaced connection.
 */
import { parseFrame, type ParseOk, type ParseOptions } from '../../protocol/index.js';
import { GATEWAY_PARSING } from '../domain/device-quirks.js';
import { defaultLimits } from '../config.js';
import type { Device } from '../domain/device.js';
import { admit } from './authenticate.js';
import { familyOf } from './cn-table.js';
import type { ConnectionContext } from './connection-context.js';
import type { Defences } from './defences.js';
import { handleCommandAnswer } from './families/command-answer.js';
import { handleNotification } from './families/notification.js';
import { Rejections } from './families/rejection.js';
import { handleUpload } from './families/upload.js';
import { FrameVerdicts } from './frame-verdicts.js';
import type { GatewayDeps, GatewayOptions } from './gateway-deps.js';
import type { SessionTable } from './session-table.js';
import { SubpacketTracker, type IncompleteSet } from './subpackets.js';
import { UploadStore } from './upload.js';

/**
 * The gateway's parse options for a text encoding and data-length cap, made once each (a handful of combinations:
 * the server's cap and the devices' profiles) rather than an object per frame.
 */
const PARSE_OPTIONS = new Map<string, Map<number, ParseOptions>>();
function parseOptions(encoding: ConnectionContext['encoding'], maxDataLength: number): ParseOptions {
  let byLength = PARSE_OPTIONS.get(encoding);
  if (!byLength) PARSE_OPTIONS.set(encoding, (byLength = new Map()));
  let options = byLength.get(maxDataLength);
  if (!options) {
    // Device profiles hold a handful of caps; a bound anyway, since they come from stored records.
    if (byLength.size >= 64) byLength.clear();
    byLength.set(maxDataLength, (options = { maxDataLength, encoding, ...GATEWAY_PARSING }));
  }
  return options;
}

/** Summaries (dropped readings, incomplete sub-packet sets) are logged at most this often. */
const SUMMARY_EVERY_MS = 10_000;

export class FrameHandler {
  readonly uploads: UploadStore;
  readonly subpackets: SubpacketTracker;
  private readonly verdicts: FrameVerdicts;
  private readonly rejections: Rejections;
  private lastSummaryAt = 0;
  /** Incomplete sub-packet sets since the last summary: their number and the first few. */
  private incomplete = { sets: 0, first: [] as IncompleteSet[] };

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
    this.verdicts = new FrameVerdicts(deps, defences, opts.archive ?? defaults!.archive);
    this.rejections = new Rejections(deps, defences, this.verdicts);
  }

  /** Side-effect queues over half their cap: the server pauses sockets until they drain. */
  get backedUp(): boolean {
    return this.verdicts.backedUp;
  }

  /**
   * Handle one complete frame. `frame` is copied; the caller may reuse its buffer. Returns a promise only while the
   * frame waits on a registry lookup; an upload handed to the store is counted by the connection (`uploadStarted` /
   * `uploadSettled`) and answered from the store's callback, and a frame answered from memory (a rejection, a
   * notification) takes no promise at all.
   */
  handle(frameView: Uint8Array, ctx: ConnectionContext): Promise<void> | void {
    const raw = Buffer.from(frameView);
    const receivedAt = this.deps.clock.now();
    const encoding = ctx.device?.profile.encoding ?? ctx.encoding;
    const maxDataLength = Math.max(this.opts.maxDataLength, ctx.device?.profile.maxDataLength ?? 0);
    // Widest options (length policy, MN alphabet): admit() holds what was tolerated against the device's record.
    const parsed = parseFrame(raw, parseOptions(encoding, maxDataLength));
    if (!parsed.ok) return this.rejections.unparsed(ctx, raw, receivedAt, parsed);
    const mn = parsed.packet.mn;
    if (!mn) return this.identified(ctx, raw, receivedAt, parsed, maxDataLength, encoding, undefined);
    const cached = this.deps.registry.cached?.(mn);
    if (cached !== undefined) return this.identified(ctx, raw, receivedAt, parsed, maxDataLength, encoding, cached ?? undefined);
    // The device record is read from Redis: an upload's dedupe marks are read in the same I/O phase (Deduper.prefetch)
    // rather than after the record arrived.
    if (familyOf(parsed.packet.cn).family === 'upload') this.uploads.dedupe.prefetch(mn);
    return this.deps.registry.get(mn).then((device) => this.identified(ctx, raw, receivedAt, parsed, maxDataLength, encoding, device));
  }

  /** The frame once its MN's record (or its absence) is known: admit, then the handler of its CN family. */
  private identified(ctx: ConnectionContext, raw: Buffer, receivedAt: number, first: ParseOk, maxDataLength: number, encoding: ConnectionContext['encoding'], device: Device | undefined): Promise<void> | void {
    let parsed = first;
    if (device && device.profile.encoding !== encoding) {
      // First frame of a connection: text was decoded before the device (and its GBK profile) was known.
      const again = parseFrame(raw, parseOptions(device.profile.encoding, Math.max(maxDataLength, device.profile.maxDataLength)));
      if (again.ok) parsed = again;
    }
    const { packet } = parsed;
    const verifiedHere = ctx.device !== undefined && ctx.device === device && ctx.lastPassword === packet.pw;
    if (device && !verifiedHere) {
      // No password is evaluated during a lockout: a right guess then is worth nothing (SECURITY.md).
      const scope = this.defences.auth.locked(ctx.remoteIp, device.mn, receivedAt);
      if (scope) return this.rejections.lockedOut(ctx, raw, receivedAt, parsed);
    }
    const admission = admit(parsed, device, { device: ctx.device, password: ctx.lastPassword });
    if (!admission.ok) return this.rejections.refused(ctx, raw, receivedAt, parsed, admission.verdict, admission.qnRtn, admission.unknownMn === true);
    for (const w of parsed.warnings) this.deps.metrics.frameWarnings.inc({ code: w.code });
    if (!verifiedHere) this.defences.auth.succeed(ctx.remoteIp, admission.device.mn, receivedAt);
    this.admitted(ctx, parsed, admission.device, receivedAt);
    const f = familyOf(packet.cn);
    if (f.family === 'upload') return handleUpload(this.deps, this.uploads, this.subpackets, this.verdicts, { packet, kind: f.kind, ctx, raw, receivedAt });
    if (f.family === 'command-answer') return handleCommandAnswer(this.deps, this.verdicts, packet, ctx, raw, receivedAt);
    if (f.family === 'notification') return handleNotification(this.verdicts, packet, ctx, raw, receivedAt);
    this.rejections.unhandled(ctx, raw, receivedAt, packet);
  }

  /** What an admitted frame tells about its connection; replies and commands on it use the same. */
  private admitted(ctx: ConnectionContext, parsed: ParseOk, device: Device, at: number): void {
    const { packet } = parsed;
    ctx.alive();
    ctx.crc = parsed.crc;
    ctx.encoding = device.profile.encoding;
    if (ctx.device?.mn !== device.mn) this.sessions.bind(device.mn, ctx, at);
    ctx.device = device;
    // Kept when equal: a collector's every frame carries its password as a new string, and one stored here each frame
    // would outlive the young generation (5,000 of them a second at 5,000 × 1/s, in a heap snapshot).
    if (ctx.lastPassword !== packet.pw) ctx.lastPassword = packet.pw;
    // ST 91 marks the collector's replies (HJ212-2017 6.3.2); commands go out with its own system code.
    if (packet.st !== '91') ctx.lastSt = packet.st;
    ctx.version = parsed.version;
    this.deps.sessions.touch(device.mn, { lastFrameAt: at });
  }

  /** A candidate frame the framer had to drop (bad length field, too long, bad trailer). */
  framingError(ctx: ConnectionContext, code: string, message: string, bytes: Uint8Array): void {
    this.rejections.framingError(ctx, code, message, bytes);
  }

  /** Expire sub-packet sets; called periodically by the server. */
  sweep(now: number): void {
    const incomplete = this.subpackets.expire(now);
    for (const set of incomplete) {
      this.verdicts.count(set.cn, 'subpacket-incomplete');
      if (set.evicted) this.deps.metrics.limited.inc({ limit: 'subpacket-sets' });
      const why = set.evicted ? 'closed early: too many open sets for this MN; ' : '';
      this.verdicts.note({ receivedAt: now, sourceIp: '', mn: set.mn, cn: set.cn, verdict: 'subpacket-incomplete', code: `${why}missing ${set.missing} of ${set.pnum} (qn ${set.qn})`, raw: new Uint8Array(0) });
    }
    this.incomplete.sets += incomplete.length;
    for (const set of incomplete) if (this.incomplete.first.length < 5) this.incomplete.first.push(set);
    this.verdicts.sweep(now);
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
    this.summarise();
    await Promise.all([this.verdicts.flush(), this.uploads.flush()]);
  }
}
