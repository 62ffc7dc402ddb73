import type { CrcVariant, LengthPolicy, MnCharset, TextEncoding, Version } from '../../protocol/index.js';

/** How far a collector may deviate from the standard; the gateway applies it per frame. */
export interface CompatibilityProfile {
  /** CRC variants accepted from this device. Default ['hj212', 'modbus', 'modbus-swapped']. */
  crcVariants: CrcVariant[];
  /** Accept a length field counting characters instead of bytes. Default true. */
  allowCharLength: boolean;
  /** Encoding of text values. Default 'utf-8'. */
  encoding: TextEncoding;
  /** IANA time zone DataTime is expressed in. Default 'Asia/Shanghai'. */
  timeZone: string;
  /** Maximum data segment in bytes. Default 1024 (HJ212-2017 6.1). */
  maxDataLength: number;
  /**
   * How the length field may disagree with the data segment: 'exact' (default, HJ212-2017 6.1), 'offset:<n>' (the
   * length field is the byte count + n, e.g. 'offset:6' for clients that count `##` and the digits), 'trust-crlf'
   * (any length field when the CRC verifies). Absent in records written before it existed: 'exact'.
   */
  lengthPolicy?: LengthPolicy;
}

/** A registered collector (数采仪). The password is never stored in clear. */
export interface Device {
  mn: string;
  /** scrypt-free salted SHA-256 of the access password, hex; compared in constant time. */
  passwordHash: string;
  passwordSalt: string;
  /** True when the password is a well-known default such as 123456. */
  weakPassword: boolean;
  version?: Version;
  enabled: boolean;
  /** Allow an MN that is not 14 or 24 characters (legacy collectors). */
  allowMnLength: boolean;
  /** Characters the MN may hold: 'alnum' (default, HJ212-2017 6.3.2) or 'extended' (also `_` and `-`). */
  mnCharset?: MnCharset;
  profile: CompatibilityProfile;
  /** Binding to a site / monitoring point, managed by the API. */
  siteId?: string;
  pointId?: string;
  enterpriseId?: string;
  /**
   * When the collector was bound to its current point (ISO 8601). Its items expect periods from the later of this and
   * their startAt (docs/ledgers.md). Absent on records bound before it existed: the items' startAt alone counts.
   */
  boundAt?: string;
  /**
   * A password sent to the collector with a set-password command (CN 1072) and not yet confirmed by its 9012:
   * accepted beside the current one until `until` (epoch ms), so the collector gets in whichever it uses (SECURITY.md).
   */
  pendingPassword?: PendingPassword;
  createdAt: string;
  updatedAt: string;
}

/** Hash of a password a set-password command is installing, and the command. */
export interface PendingPassword {
  hash: string;
  salt: string;
  weak: boolean;
  until: number;
  commandId: string;
}

/** A collector that connected with an MN nobody registered. */
export interface PendingDevice {
  mn: string;
  firstSeen: string;
  lastSeen: string;
  sourceIp: string;
  frames: number;
  /** One raw frame, as text (latin-1 view), for the operator. */
  sampleFrame: string;
}
