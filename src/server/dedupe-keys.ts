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

export function dedupeKeys(mn: string, packet: Packet): string[] {
  // One-shot hash: no Hash object per frame (same digest as createHash, so keys stay compatible).
  const content = hash('sha1', cpText(packet.cp), 'base64url');
  const keys = [`c:${mn}:${packet.cn}:${packet.cp.DataTime ?? ''}:${packet.pno ?? 0}:${content}`];
  if (packet.qn) keys.push(`q:${mn}:${packet.cn}:${packet.qn}:${packet.cp.DataTime ?? ''}:${packet.pno ?? 0}`);
  return keys;
}
