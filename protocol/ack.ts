/**
 * The 9014 data response (HJ212-2017 6.5.2) from a template: a collector's acks differ only in their QN, so the bytes
 * after it (`;ST=91;CN=9014;PW=…;MN=…;Flag=…;CP=&&&&`) are kept per MN and each ack is the QN written into a copy,
 * the length, the CRC and CR LF. Byte for byte what `encodeFrame(dataAck(req), opts)` gives.
 */
import { FLAG_BITS } from './codes.js';
import { computeCrc, writeCrcHex } from './crc.js';
import { encodeFrame, type EncodeOptions } from './encode.js';
import { dataAck } from './messages.js';
import type { CrcVariant, Packet } from './types.js';

/** The bytes after the QN of one collector's acks, and what they were built from. */
interface Template {
  pw: string | undefined;
  flag: number | undefined;
  tail: Uint8Array;
}

const templates = new Map<string, Template>();
const MAX_TEMPLATES = 10_000;

/** ASCII bytes of `text`, or undefined when it holds anything else (then the general encoder is used). */
function asciiBytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return undefined;
    out[i] = c;
  }
  return out;
}

function templateFor(mn: string, pw: string | undefined, flag: number | undefined): Template | undefined {
  const t = templates.get(mn);
  if (t !== undefined && t.pw === pw && t.flag === flag) return t;
  // The reply's header after QN, as dataAck/encodeFrame write it (HJ212-2017 6.3.2: ST=91, Flag without A and D).
  const replyFlag = flag === undefined ? '' : `Flag=${flag & ~(FLAG_BITS.ACK | FLAG_BITS.SPLIT) & 0xff};`;
  const tail = asciiBytes(`;ST=91;CN=9014;${pw === undefined ? '' : `PW=${pw};`}MN=${mn};${replyFlag}CP=&&&&`);
  if (tail === undefined) return undefined;
  if (templates.size >= MAX_TEMPLATES) templates.clear();
  const made = { pw, flag, tail };
  templates.set(mn, made);
  return made;
}

/** `encodeFrame(dataAck(req), opts)`, from a per-MN template when the request has a QN, an MN and only ASCII. */
export function encodeDataAck(req: Packet, opts: EncodeOptions = {}): Uint8Array {
  const { qn, mn } = req;
  const t = qn === undefined || mn === undefined ? undefined : templateFor(mn, req.pw, req.flag);
  const segment = qn === undefined || t === undefined ? 0 : 3 + qn.length + t.tail.length;
  if (t === undefined || qn === undefined || segment > 9999) return encodeFrame(dataAck(req), opts);
  const out = new Uint8Array(segment + 12);
  out[0] = out[1] = 0x23;
  // HJ212-2017 6.1: the length field has 4 digits (an ack is far below 9999 bytes).
  out[2] = 0x30 + Math.floor(segment / 1000);
  out[3] = 0x30 + (Math.floor(segment / 100) % 10);
  out[4] = 0x30 + (Math.floor(segment / 10) % 10);
  out[5] = 0x30 + (segment % 10);
  out[6] = 0x51; // Q
  out[7] = 0x4e; // N
  out[8] = 0x3d; // =
  for (let i = 0; i < qn.length; i++) {
    const c = qn.charCodeAt(i);
    if (c > 0x7f) return encodeFrame(dataAck(req), opts);
    out[9 + i] = c;
  }
  out.set(t.tail, 9 + qn.length);
  const crc: CrcVariant = opts.crc ?? 'hj212';
  writeCrcHex(computeCrc(crc, out, 6, 6 + segment), out, 6 + segment);
  out[segment + 10] = 0x0d;
  out[segment + 11] = 0x0a;
  return out;
}
