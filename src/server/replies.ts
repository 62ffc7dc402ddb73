/**
 * Replies to collectors. Sent with the CRC variant the collector's frame used, so devices that verify replies
 * with their own (non-standard) variant accept them (docs/protocol.md §2 policy).
 */
import { encodeDataAck, encodeFrame, requestReply, notifyReply, type CrcVariant, type Packet, type TextEncoding } from '../../protocol/index.js';

/** QnRtn codes (HJ212-2017 table 9) the gateway answers rejected requests/uploads with. */
export const QN_RTN_FOR = {
  refused: '2',
  password: '3',
  mn: '4',
  cn: '8',
  crc: '9',
  unknown: '100',
} as const;

/** Flag bit A (HJ212-2017 6.3.2): the sender wants an answer. */
export function wantsAnswer(packet: Pick<Packet, 'flag'>): boolean {
  return ((packet.flag ?? 0) & 1) === 1;
}

export interface ReplyEncoding {
  crc: CrcVariant;
  encoding: TextEncoding;
}

/** The 9014 for an upload, from the collector's ack template (protocol/ack.ts): one per stored frame. */
export function encodeAck(req: Packet, enc: ReplyEncoding): Uint8Array {
  return encodeDataAck(req, enc);
}

export function encodeRejection(req: Packet, qnRtn: string, enc: ReplyEncoding): Uint8Array {
  return encodeFrame(requestReply(req, qnRtn), enc);
}

export function encodeNotifyReply(req: Packet, enc: ReplyEncoding): Uint8Array {
  return encodeFrame(notifyReply(req), enc);
}
