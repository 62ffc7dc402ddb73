/**
 * CN family "command answer" (HJ212-2017 6.4: 9011 request answer, 9012 execution result, and the uploads that
 * answer a get-* command): recorded, then routed to whoever sent the command (the command bus).
 */
import type { Packet } from '../../../protocol/index.js';
import type { ConnectionContext } from '../connection-context.js';
import type { FrameVerdicts } from '../frame-verdicts.js';
import type { GatewayDeps } from '../gateway-deps.js';

export async function handleCommandAnswer(deps: GatewayDeps, verdicts: FrameVerdicts, packet: Packet, ctx: ConnectionContext, raw: Buffer, at: number): Promise<void> {
  verdicts.finish(ctx, raw, at, packet, 'reply');
  await deps.commands
    .reply({ mn: packet.mn ?? '', qn: packet.qn ?? '', cn: packet.cn, cp: packet.cp, at })
    .catch((err) => deps.logger.error({ err }, 'command reply routing failed'));
}
