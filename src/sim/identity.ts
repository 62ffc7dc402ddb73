/**
 * Who a simulated collector is: MN, password, edition, profile, and the per-collector faults it was dealt.
 * Kept separate from the running collector so a fleet's devices can be registered before they connect.
 */
import type { CrcVariant, TextEncoding, Version } from '../../protocol/index.js';
import { COLLECTOR_FAULTS, type FaultRates } from './faults.js';
import type { ProfileName } from './profiles.js';
import { createRng } from './rng.js';

/** A simulated device as the registry must know it. */
export interface CollectorIdentity {
  mn: string;
  password: string;
  version: Version;
  profile: ProfileName;
  /** CRC variant the collector writes (non-standard for the crcVariant fault). */
  crc: CrcVariant;
  /** Text encoding of its -Info values (gbk for the gbk fault). */
  encoding: TextEncoding;
  /** The MN has a legacy length: register it with allowMnLength. */
  legacyMn: boolean;
  /** Realtime uploads carry a Chinese -Info text. */
  gbkInfo: boolean;
  /** Offset of the collector's clock from true time, ms. */
  skewMs: number;
  /** Writes its frames in small slow chunks. */
  slowWriter: boolean;
}

/** MN length by edition (HJ212-2017 6.3.2 table 5: 24 characters; HJ/T 212-2005: 14). */
export const MN_LENGTH: Readonly<Record<Version, number>> = { '2005': 14, '2017': 24, '2025': 24 };
/** Length of a legacy MN: real 2005-era devices send 8–14 characters. */
export const LEGACY_MN_LENGTH = 10;

/** The `index`-th MN of a fleet: `prefix` padded with the zero-filled index to the edition's length. */
export function generateMn(prefix: string, index: number, length: number): string {
  const digits = String(index);
  if (prefix.length + digits.length > length) throw new RangeError(`MN prefix '${prefix}' leaves no room for index ${index} in ${length} characters`);
  return prefix + digits.padStart(length - prefix.length, '0');
}

/** How a fleet's identities are made. */
export interface IdentityOptions {
  count: number;
  version: Version;
  profile: ProfileName;
  password: string;
  /** MNs to use instead of generated ones (from --mn-file); cycled if shorter than `count`. */
  mns?: readonly string[];
  mnPrefix: string;
  faults: FaultRates;
  /** Largest clock skew, seconds. */
  skewS: number;
  seed: number;
}

/** Identities of a fleet, with the per-collector faults drawn deterministically from `seed`. */
export function createIdentities(opts: IdentityOptions): CollectorIdentity[] {
  const rng = createRng(opts.seed ^ 0x1d3a);
  const out: CollectorIdentity[] = [];
  for (let i = 0; i < opts.count; i++) {
    const has: Record<(typeof COLLECTOR_FAULTS)[number], boolean> = { crcVariant: false, legacyMn: false, gbk: false, clockSkew: false, slowWriter: false };
    for (const f of COLLECTOR_FAULTS) has[f] = opts.faults[f] > 0 && rng() < opts.faults[f];
    const given = opts.mns && opts.mns.length > 0 ? opts.mns[i % opts.mns.length] : undefined;
    const mn = has.legacyMn ? generateMn(`L${opts.mnPrefix}`.slice(0, 4), i, LEGACY_MN_LENGTH) : (given ?? generateMn(opts.mnPrefix, i, MN_LENGTH[opts.version]));
    out.push({
      mn,
      password: opts.password,
      version: opts.version,
      profile: opts.profile,
      crc: has.crcVariant ? (i % 2 === 0 ? 'modbus' : 'modbus-swapped') : 'hj212',
      encoding: has.gbk ? 'gbk' : 'utf-8',
      legacyMn: has.legacyMn,
      gbkInfo: has.gbk,
      skewMs: has.clockSkew ? Math.round((rng() * 2 - 1) * opts.skewS * 1000) : 0,
      slowWriter: has.slowWriter,
    });
  }
  return out;
}
