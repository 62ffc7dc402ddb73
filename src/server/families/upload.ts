/**
 * CN family "upload" (HJ212-2017 table 5: 2011, 2051, 2061, 2031, 2041, 2021, 2081; 2025: 2111, 9015): store, then
 * answer 9014 once the readings are durable (upload.ts), or 9011 when a limit or InfluxDB refused them for good.
 */
import type { Packet } from '../../../protocol/index.js';
import type { ConnectionContext } from '../connection-context.js';
import type { FrameVerdicts } from '../frame-verdicts.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { QN_RTN_FOR, encodeAck, encodeRejection, wantsAnswer } from '../replies.js';
import type { SubpacketTracker } from '../subpackets.js';
import type { UploadOutcome, UploadStore } from '../upload.js';

type UploadFrame = { packet: Packet; kind: string; ctx: ConnectionContext; raw: Buffer; receivedAt: number };

/** Store the upload, then answer it from the store's callback: no promise per frame (the sink's batch has one). */
export function handleUpload(deps: GatewayDeps, uploads: UploadStore, subpackets: SubpacketTracker, verdicts: FrameVerdicts, frame: UploadFrame): void {
  const { packet, kind, ctx, raw, receivedAt } = frame;
  const device = ctx.device;
  if (!device) return;
  ctx.uploadStarted();
  uploads.store(packet, kind, device, receivedAt, raw, (outcome) => {
    try {
      if (outcome.verdict === 'failed') deps.logger.error({ err: outcome.err, mn: device.mn, cn: packet.cn }, 'frame handling failed');
      else answer(deps, subpackets, verdicts, frame, device.mn, outcome);
    } catch (err) {
      deps.logger.error({ err, mn: device.mn, cn: packet.cn }, 'frame handling failed');
    } finally {
      ctx.uploadSettled();
    }
  });
}

function answer(deps: GatewayDeps, subpackets: SubpacketTracker, verdicts: FrameVerdicts, frame: UploadFrame, mn: string, outcome: Exclude<UploadOutcome, { verdict: 'failed' }>): void {
  const { packet, ctx, raw, receivedAt } = frame;
  if (outcome.verdict === 'dead-letter') {
    verdicts.finish(ctx, raw, receivedAt, packet, 'dead-letter', outcome.reason, true);
    // Refused for good (kept as a dead letter): answered, so the collector does not retransmit it forever.
    if (wantsAnswer(packet)) ctx.send(encodeRejection(packet, QN_RTN_FOR.refused, ctx));
    return;
  }
  if ('qnRtn' in outcome) {
    // Refused by a storage limit (DataTime window): nothing written, answered 9011 (src/server/upload-limits.ts).
    verdicts.finish(ctx, raw, receivedAt, packet, outcome.verdict, outcome.reason);
    if (wantsAnswer(packet)) ctx.send(encodeRejection(packet, outcome.qnRtn, ctx));
    return;
  }
  if (packet.pnum !== undefined && packet.pno !== undefined && packet.pnum > 1) {
    if (subpackets.add(mn, packet.qn ?? '', packet.cn, packet.pnum, packet.pno, receivedAt) === 'untracked') deps.metrics.limited.inc({ limit: 'subpacket-untracked' });
  }
  verdicts.finish(ctx, raw, receivedAt, packet, outcome.verdict, outcome.verdict === 'stored-partial' ? outcome.detail : undefined);
  if (wantsAnswer(packet)) {
    ctx.send(encodeAck(packet, ctx));
    const now = deps.clock.now();
    deps.metrics.ackLatency.observe((now - receivedAt) / 1000);
    deps.sessions.touch(mn, { lastAckAt: now });
  }
}
