/** CN family "notification" (HJ212-2017 6.4.4: 1013 time calibration request; 2025: 1001, 1014): answered 9013. */
import type { Packet } from '../../../protocol/index.js';
import type { ConnectionContext } from '../connection-context.js';
import type { FrameVerdicts } from '../frame-verdicts.js';
import { encodeNotifyReply, wantsAnswer } from '../replies.js';

export function handleNotification(verdicts: FrameVerdicts, packet: Packet, ctx: ConnectionContext, raw: Buffer, at: number): void {
  verdicts.finish(ctx, raw, at, packet, 'notification');
  // 9013 is itself the answer: it is never answered.
  if (wantsAnswer(packet) && packet.cn !== '9013') ctx.send(encodeNotifyReply(packet, ctx));
}
