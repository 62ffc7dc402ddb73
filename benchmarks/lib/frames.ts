/** The frames of the codec benchmarks (protocol.bench.ts, protocol-ab.ts). */
import { encodeFrame, uploadPacket, type Packet, type ReadingInput } from '../../protocol/index.js';

const target = { st: '32', pw: '123456', mn: '33010600000001W00000001A', qn: '20240315104000001' };
const WATER = ['w01018', 'w21003', 'w21011', 'w21001', 'w01001', 'w00000', 'w01012', 'w20117', 'w21017', 'w22001'];

/** 10 factors × Cou/Min/Avg/Max/Flag: the typical minute upload of a wastewater outlet. */
export function minuteFrame(): Uint8Array {
  const factors: ReadingInput[] = WATER.map((code, i) => ({
    code,
    cou: `${(1.02 + i).toFixed(2)}`,
    min: `${(25.1 + i).toFixed(1)}`,
    avg: `${(27.93 + i).toFixed(2)}`,
    max: `${(30.6 + i).toFixed(1)}`,
    flag: 'N',
  }));
  return encodeFrame(uploadPacket(target, '2051', { dataTime: '20240315103000', factors }));
}

/** 4 flue-gas factors × Rtd/ZsRtd/Flag: the typical realtime upload of a stack, about 300 bytes. */
export function smallFrame(mn = target.mn): Uint8Array {
  const factors: ReadingInput[] = ['a34013', 'a21026', 'a21002', 'a19001'].map((code, i) => ({
    code,
    rtd: `${(12.31 + i * 7.1).toFixed(2)}`,
    zsRtd: `${(15.02 + i * 8.3).toFixed(2)}`,
    flag: 'N',
  }));
  return encodeFrame(uploadPacket({ ...target, mn }, '2011', { dataTime: '20240315103000', factors }));
}

/** {@link smallFrame} from each of `collectors` collectors (distinct MNs), one after the other, as a gateway sees a fleet. */
export function fleetFrames(collectors: number): Uint8Array {
  return Buffer.concat(Array.from({ length: collectors }, (_, i) => smallFrame(`33010600${String(i).padStart(8, '0')}W0000001A`)));
}

/** A realtime upload grown to just under the 1024-byte limit. */
export function largeFrame(): Uint8Array {
  const factors: ReadingInput[] = [];
  let packet: Packet = uploadPacket(target, '2011', { dataTime: '20240315103000', factors });
  for (let i = 0; ; i++) {
    const next = [...factors, { code: `a${String(20000 + i)}`, rtd: `${(i * 3.17).toFixed(3)}`, zsRtd: `${(i * 3.5).toFixed(2)}`, flag: 'N' }];
    const candidate = uploadPacket(target, '2011', { dataTime: '20240315103000', factors: next });
    if (encodeFrame(candidate).length - 12 > 1000) break;
    factors.push(next.at(-1)!);
    packet = candidate;
  }
  return encodeFrame(packet);
}
