/**
 * Retransmit identity (aedes publish.js: dedupe -> store -> ack). A collector that missed our 9014 resends the same
 * frame (HJ212-2017 6.4: retry up to ReCount after OverTime); it is re-acked without a second write. Two keys:
 * content (MN + CN + DataTime + CP) catches a resend with a fresh QN, QN + DataTime (+ PNO) catches a resend with
 * rewritten CP. DataTime belongs in the QN key: every frame answering one history request carries that request's QN
 * (HJ212-2017 6.5.3), so QN alone would make the second hour of a re-pull look like a retransmit of the first.
 */
import { hash } from 'node:crypto';
import type { Packet } from '../../protocol/index.js';

function cpText(cp: Record<string, string>): string {
  let s = '';
  for (const k in cp) s += `${k}=${cp[k]};`;
  return s;
}

/** 64 bits of the digest as 11 base64url characters: collisions among one collector's keys are negligible. */
function short(text: string): string {
  return hash('sha1', text, 'base64url').slice(0, 11);
}

/**
 * Keys `<MN>|c<hash>` and `<MN>|q<hash>` (13 characters after the MN): the store keeps them per collector, bounded
 * (HJ212_DEDUPE_MAX_PER_DEVICE), instead of one long Redis key per frame.
 */
export function dedupeKeys(mn: string, packet: Packet): string[] {
  const time = packet.cp.DataTime ?? '';
  const pno = packet.pno ?? 0;
  const keys = [`${mn}|c${short(`${packet.cn}\n${time}\n${pno}\n${cpText(packet.cp)}`)}`];
  if (packet.qn) keys.push(`${mn}|q${short(`${packet.cn}\n${packet.qn}\n${time}\n${pno}`)}`);
  return keys;
}
