/**
 * Retransmit identity (aedes publish.js: dedupe -> store -> ack). A collector that missed our 9014 resends the same
 * frame (HJ212-2017 6.4: retry up to ReCount after OverTime); it is re-acked without a second write. Two keys:
 * content (MN + CN + DataTime + CP) catches a resend with a fresh QN, QN (+ PNO) catches a resend with rewritten CP.
 */
import { createHash } from 'node:crypto';
import type { Packet } from '../../protocol/index.js';

function cpText(cp: Record<string, string>): string {
  let s = '';
  for (const k in cp) s += `${k}=${cp[k]};`;
  return s;
}

export function dedupeKeys(mn: string, packet: Packet): string[] {
  const content = createHash('sha1').update(cpText(packet.cp)).digest('base64url');
  const keys = [`c:${mn}:${packet.cn}:${packet.cp.DataTime ?? ''}:${packet.pno ?? 0}:${content}`];
  if (packet.qn) keys.push(`q:${mn}:${packet.cn}:${packet.qn}:${packet.pno ?? 0}`);
  return keys;
}
