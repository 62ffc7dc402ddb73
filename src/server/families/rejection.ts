/**
 * Frames that are not taken: framing errors, frames that do not parse (bad CRC, bad MN…), unknown MNs, wrong
 * passwords, logins during a lockout and CNs in no family. Each is charged to the connection's error budget (the
 * connection closes past it), answered 9011 with the QnRtn of HJ212-2017 table 9 when the sender asked for an
 * answer, and linked to its MN when the header is readable (a registered MN's status counts it; an unknown MN
 * becomes a bounded pending entry, pending-recorder.ts).
 */
import { maskPassword, type Packet, type ParseFail, type ParseOk } from '../../../protocol/index.js';
import type { ConnectionContext } from '../connection-context.js';
import type { Defences } from '../defences.js';
import type { FrameVerdicts } from '../frame-verdicts.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { peekHeader } from '../peek-header.js';
import { QN_RTN_FOR, encodeRejection, wantsAnswer } from '../replies.js';

const HJ_ERR_TO_QN_RTN = new Map<string, string>([
  ['HJ_ERR_CRC', QN_RTN_FOR.crc],
  ['HJ_ERR_MN', QN_RTN_FOR.mn],
  ['HJ_ERR_QN', '7'],
]);

export class Rejections {
  constructor(
    private readonly deps: GatewayDeps,
    private readonly defences: Defences,
    private readonly verdicts: FrameVerdicts,
  ) {}

  /** A frame that did not parse. */
  async unparsed(ctx: ConnectionContext, raw: Buffer, at: number, parsed: ParseFail): Promise<void> {
    if (!ctx.charge()) return;
    const head = peekHeader(raw);
    const registered = await this.linkMn(ctx, head?.mn, raw, at, false);
    this.verdicts.finish(ctx, raw, at, head, parsed.code, parsed.message, registered);
    if (head && wantsAnswer(head)) ctx.send(encodeRejection(head, HJ_ERR_TO_QN_RTN.get(parsed.code) ?? QN_RTN_FOR.unknown, ctx));
  }

  /** A frame refused at admission (unknown MN, wrong password, profile). */
  async refused(ctx: ConnectionContext, raw: Buffer, at: number, parsed: ParseOk, verdict: string, qnRtn: string, unknownMn: boolean): Promise<void> {
    const { packet } = parsed;
    // The failure is recorded first, synchronously: frames of one connection interleave at the registry await.
    const locks = verdict === 'bad-password' ? this.defences.auth.fail(ctx.remoteIp, packet.mn ?? '', at) : [];
    for (const scope of locks) this.defences.lockedOut(scope, ctx.remoteIp, packet.mn ?? '');
    if (!ctx.charge()) return;
    this.verdicts.finish(ctx, raw, at, packet, verdict, undefined, !unknownMn);
    // Recorded before the 9011 goes out, so an operator who sees the rejection also finds the pending entry.
    if (unknownMn) await this.linkMn(ctx, packet.mn, raw, at, true);
    if (wantsAnswer(packet)) ctx.send(encodeRejection(packet, qnRtn, { crc: parsed.crc, encoding: ctx.encoding }));
    if (locks.length > 0) ctx.close('password lockout');
  }

  /** A login during a lockout: answered as a password error without evaluating the password, then closed. */
  lockedOut(ctx: ConnectionContext, raw: Buffer, at: number, parsed: ParseOk): void {
    const { packet } = parsed;
    if (!ctx.charge()) return;
    this.verdicts.finish(ctx, raw, at, packet, 'locked-out', undefined, true);
    if (wantsAnswer(packet)) ctx.send(encodeRejection(packet, QN_RTN_FOR.password, { crc: parsed.crc, encoding: ctx.encoding }));
    ctx.close('password lockout');
  }

  /** An admitted frame whose CN is in no family. */
  unhandled(ctx: ConnectionContext, raw: Buffer, at: number, packet: Packet): void {
    this.verdicts.finish(ctx, raw, at, packet, 'unknown-cn', `CN ${packet.cn} is not handled`);
    if (wantsAnswer(packet)) ctx.send(encodeRejection(packet, QN_RTN_FOR.cn, ctx));
  }

  /** A candidate frame the framer had to drop (bad length field, too long, bad trailer). */
  framingError(ctx: ConnectionContext, code: string, message: string, bytes: Uint8Array): void {
    if (!ctx.charge()) return;
    const raw = Buffer.from(bytes.subarray(0, 2048));
    const at = this.deps.clock.now();
    const head = ctx.device ? { cn: '', mn: ctx.device.mn, cp: {} } : peekHeader(raw);
    // Linked to the MN when the header is readable (issue: rejections before admission showed 0 in the status).
    void this.linkMn(ctx, head?.mn, raw, at, false).then((registered) => this.verdicts.finish(ctx, raw, at, head, code, message, registered));
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
}
