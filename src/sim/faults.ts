/**
 * Fault injection: what misbehaving collectors in the field do, each at a rate. Per-frame faults are drawn for each
 * upload; per-collector faults pick a fraction of the fleet once (a collector either has a Modbus CRC or not).
 */
import type { Rng } from './rng.js';

/** Rates in [0, 1]. Per frame unless marked per collector. All default to 0. */
export interface FaultRates {
  /** Frame with a wrong CRC (the gateway answers 9011 QnRtn=9). */
  badCrc: number;
  /** Frame with a wrong access password (QnRtn=3). */
  wrongPassword: number;
  /** Frame from an MN that is not registered (QnRtn=4, pending list). */
  unknownMn: number;
  /** Junk bytes (binary, no `##`) written before the frame. */
  garbage: number;
  /** Frame written in two parts with a pause between them. */
  halfFrame: number;
  /** Frame written in one write together with the next upload (sticky frames). */
  coalesce: number;
  /** Per collector: a non-standard CRC variant (modbus or modbus-swapped). */
  crcVariant: number;
  /** Per collector: an MN of a legacy length (10 characters), registered with allowMnLength. */
  legacyMn: number;
  /** Per collector: a GBK device whose realtime uploads carry Chinese `-Info` text encoded in GBK. */
  gbk: number;
  /** Per collector: a clock off by up to `skewS` seconds either way (DataTime and QN follow it). */
  clockSkew: number;
  /** Extra hourly upload for an hour 1–72 h in the past (back-dated history). */
  backdated: number;
  /** Upload held back and sent after the next one (out-of-order delivery). */
  outOfOrder: number;
  /** Upload split into sub-packets (Flag D, PNUM/PNO) by a small maximum data length. */
  subpacket: number;
  /** Connection dropped after the frame and re-opened (disconnect/reconnect storms at a high rate). */
  disconnect: number;
  /** Per collector: writes each frame in small chunks with pauses (slow serial links, slow-loris-like). */
  slowWriter: number;
}

/** Fault names, in the order of {@link FaultRates}. */
export const FAULT_NAMES = [
  'badCrc', 'wrongPassword', 'unknownMn', 'garbage', 'halfFrame', 'coalesce', 'crcVariant', 'legacyMn', 'gbk',
  'clockSkew', 'backdated', 'outOfOrder', 'subpacket', 'disconnect', 'slowWriter',
] as const satisfies ReadonlyArray<keyof FaultRates>;

/** Faults fixed for a collector's whole life. */
export const COLLECTOR_FAULTS = ['crcVariant', 'legacyMn', 'gbk', 'clockSkew', 'slowWriter'] as const;
/** Faults drawn for each upload. */
export const FRAME_FAULTS = ['badCrc', 'wrongPassword', 'unknownMn', 'garbage', 'halfFrame', 'coalesce', 'backdated', 'outOfOrder', 'subpacket', 'disconnect'] as const;
export type FrameFault = (typeof FRAME_FAULTS)[number];

/** No faults at all. */
export function noFaults(): FaultRates {
  return Object.fromEntries(FAULT_NAMES.map((n) => [n, 0])) as unknown as FaultRates;
}

/** The per-frame faults that hit this upload. */
export function drawFrameFaults(rates: FaultRates, rng: Rng): Set<FrameFault> {
  const hit = new Set<FrameFault>();
  for (const name of FRAME_FAULTS) if (rates[name] > 0 && rng() < rates[name]) hit.add(name);
  return hit;
}

/**
 * Binary junk as seen on shared serial links (Modbus RTU fragments, line noise): never contains `#`, so it cannot
 * start a false frame and the gateway's resync has to skip it.
 */
export function garbageBytes(rng: Rng): Uint8Array {
  const out = new Uint8Array(8 + Math.floor(rng() * 56));
  for (let i = 0; i < out.length; i++) {
    let b = Math.floor(rng() * 256);
    if (b === 0x23) b = 0x24;
    out[i] = b;
  }
  return out;
}

/** The frame with its CRC changed (still 4 upper-case hex digits, so only the CRC check can catch it). */
export function corruptCrc(frame: Uint8Array): Uint8Array {
  const out = frame.slice();
  const at = out.length - 6;
  const digit = out[at] ?? 0x30;
  out[at] = digit === 0x30 ? 0x31 : 0x30;
  return out;
}
