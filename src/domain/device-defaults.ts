/** Building and validating Device records with the registry's defaults. */
import { mnAlphabet, type CrcVariant, type LengthPolicy, type MnCharset, type TextEncoding, type Version } from '../../protocol/index.js';
import type { CompatibilityProfile, Device } from './device.js';
import { hashPassword, isWeakPassword } from './password.js';

/** Every CRC variant seen in the field; the default profile accepts all of them (lenient collectors exist). */
export const CRC_VARIANTS: readonly CrcVariant[] = ['hj212', 'modbus', 'modbus-swapped'];
export const VERSIONS: readonly Version[] = ['2005', '2017', '2025'];
export const TEXT_ENCODINGS: readonly TextEncoding[] = ['utf-8', 'gbk'];
export { MN_CHARSETS, isLengthPolicy } from '../../protocol/index.js';

/** Profile defaults, as documented on {@link CompatibilityProfile}. */
export const DEFAULT_PROFILE: Readonly<Required<CompatibilityProfile>> = Object.freeze({
  crcVariants: [...CRC_VARIANTS],
  allowCharLength: true,
  encoding: 'utf-8',
  timeZone: 'Asia/Shanghai',
  // HJ212-2017 6.1: the data segment is at most 1024 bytes.
  maxDataLength: 1024,
  // HJ212-2017 6.1: the length field is the data segment's byte count.
  lengthPolicy: 'exact',
});

/** Longest MN accepted even for legacy devices allowed other lengths (keeps keys and logs bounded). */
export const MAX_LEGACY_MN_LENGTH = 64;

/**
 * Why an MN is not acceptable, or undefined when it is. HJ212-2005 MNs have 14 characters, 2017/2025 MNs 24
 * (HJ212-2017 6.3.2 table 5); both are letters and digits. Other lengths only with `allowMnLength` (legacy
 * collectors), `_` and `-` only with the 'extended' alphabet: both are safe in Redis keys, InfluxDB tags and URL paths
 * as they are. Nothing else (spaces, CR/LF, quotes, separators, non-ASCII) is ever accepted.
 */
export function validateMn(mn: string, allowMnLength: boolean, mnCharset: MnCharset = 'alnum'): string | undefined {
  const alphabet = mnAlphabet(mn);
  if (alphabet < 0 || (alphabet > 0 && mnCharset !== 'extended')) {
    return mnCharset === 'extended'
      ? `MN must be letters, digits, _ and - only: ${JSON.stringify(mn)}`
      : `MN must be letters and digits only: ${JSON.stringify(mn)}; use the extended MN alphabet for _ and -`;
  }
  if (allowMnLength) return mn.length <= MAX_LEGACY_MN_LENGTH ? undefined : `MN longer than ${MAX_LEGACY_MN_LENGTH} characters`;
  if (mn.length !== 14 && mn.length !== 24) return `MN must have 14 (HJ212-2005) or 24 (HJ212-2017) characters, has ${mn.length}; use allowMnLength for legacy devices`;
  return undefined;
}

/** What a new device is made of; everything but MN and password has a default. */
export interface NewDeviceInput {
  mn: string;
  password: string;
  version?: Version;
  crcVariants?: CrcVariant[];
  allowMnLength?: boolean;
  encoding?: TextEncoding;
  timeZone?: string;
  maxDataLength?: number;
  allowCharLength?: boolean;
  lengthPolicy?: LengthPolicy;
  mnCharset?: MnCharset;
}

/**
 * A new enabled device with a hashed password and the default profile, overridden by the given options.
 * @throws RangeError when the MN is invalid (callers validate input first, see {@link validateMn}).
 */
export function newDevice(input: NewDeviceInput, now: Date = new Date()): Device {
  const allowMnLength = input.allowMnLength ?? false;
  const mnCharset = input.mnCharset ?? 'alnum';
  const problem = validateMn(input.mn, allowMnLength, mnCharset);
  if (problem) throw new RangeError(problem);
  const { hash, salt } = hashPassword(input.password);
  const at = now.toISOString();
  return {
    mn: input.mn,
    passwordHash: hash,
    passwordSalt: salt,
    weakPassword: isWeakPassword(input.password),
    version: input.version,
    enabled: true,
    allowMnLength,
    mnCharset,
    profile: {
      crcVariants: input.crcVariants ? [...input.crcVariants] : [...DEFAULT_PROFILE.crcVariants],
      allowCharLength: input.allowCharLength ?? DEFAULT_PROFILE.allowCharLength,
      encoding: input.encoding ?? DEFAULT_PROFILE.encoding,
      timeZone: input.timeZone ?? DEFAULT_PROFILE.timeZone,
      maxDataLength: input.maxDataLength ?? DEFAULT_PROFILE.maxDataLength,
      lengthPolicy: input.lengthPolicy ?? DEFAULT_PROFILE.lengthPolicy,
    },
    createdAt: at,
    updatedAt: at,
  };
}

/** Device with a new password (hash, salt and the weak flag replaced) and `updatedAt` bumped. */
export function withPassword(device: Device, password: string, now: Date = new Date()): Device {
  const { hash, salt } = hashPassword(password);
  // A password set directly replaces any change a set-password command had pending.
  const { pendingPassword: _pending, ...rest } = device;
  return { ...rest, passwordHash: hash, passwordSalt: salt, weakPassword: isWeakPassword(password), updatedAt: now.toISOString() };
}

/** The device as shown to operators: everything but the password hash and salt. */
export function publicDevice(device: Device): Omit<Device, 'passwordHash' | 'passwordSalt' | 'pendingPassword'> {
  const { passwordHash: _hash, passwordSalt: _salt, pendingPassword: _pending, ...rest } = device;
  return rest;
}
