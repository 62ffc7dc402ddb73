/**
 * The parsing of the published HJ212 peers, rewritten here as benchmark baselines (issue 13: keep the peer
 * comparison). Neither peer ships as a package this machine can install, so their approach is written out in our
 * own code, on the same frames as the codec, in the same process:
 *
 * - Node peers: the frame as one string, header and CP cut with `split` (`;`, `,`, `=`), readings grouped by factor
 *   code. Neither the length field nor the CRC is checked.
 * - The Go peer's approach: the length field checked against the frame, the CRC16 computed bit by bit (eight
 *   shift/xor steps per byte, as its checkout routine does), then the same string splitting.
 *
 * Both return the number of factor readings, so a benchmark can check they did the work.
 */

/** Readings by factor code: suffix → value. */
type Readings = Map<string, Record<string, string>>;

/** Header fields and readings of a data segment, by splitting strings. */
function splitSegment(segment: string): { header: Record<string, string>; readings: Readings; dataTime?: string } {
  const cpAt = segment.indexOf('CP=&&');
  const header: Record<string, string> = {};
  for (const field of segment.slice(0, cpAt).split(';')) {
    if (field === '') continue;
    const eq = field.indexOf('=');
    header[field.slice(0, eq)] = field.slice(eq + 1);
  }
  const readings: Readings = new Map();
  let dataTime: string | undefined;
  const cp = segment.slice(cpAt + 5, segment.lastIndexOf('&&'));
  for (const group of cp.split(';')) {
    for (const pair of group.split(',')) {
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const key = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const dash = key.indexOf('-');
      if (dash < 0) {
        if (key === 'DataTime') dataTime = value;
        continue;
      }
      const code = key.slice(0, dash);
      let r = readings.get(code);
      if (!r) readings.set(code, (r = {}));
      r[key.slice(dash + 1)] = value;
    }
  }
  return { header, readings, dataTime };
}

/** Node peers: no length or CRC check. */
export function nodePeerParse(frame: Uint8Array): number {
  const text = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('utf8');
  const { header, readings } = splitSegment(text.slice(6, text.length - 6));
  return header.MN === undefined ? 0 : readings.size;
}

/** CRC16 of HJ212 one bit at a time (HJ212-2017 Appendix A, as the Go peer computes it). */
function crcBitwise(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc = (crc >>> 8) ^ bytes[i]!;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** The Go peer's approach: length field and CRC checked, then the same splitting. */
export function goPeerParse(frame: Uint8Array): number {
  const text = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('utf8');
  const length = Number(text.slice(2, 6));
  if (length !== frame.length - 12) return 0;
  if (crcBitwise(frame, 6, frame.length - 6) !== parseInt(text.slice(text.length - 6, text.length - 2), 16)) return 0;
  const { header, readings } = splitSegment(text.slice(6, text.length - 6));
  return header.MN === undefined ? 0 : readings.size;
}
