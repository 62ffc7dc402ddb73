/** Argument parsing and validation for `hj212 device ...`; every problem is reported, not just the first. */
import { parseArgs } from 'node:util';
import type { CrcVariant } from '../../protocol/index.js';
import type { Device } from '../domain/device.js';
import { MAX_DATA_LENGTH, MIN_DATA_LENGTH } from '../domain/data-length.js';
import { CRC_VARIANTS, MN_CHARSETS, TEXT_ENCODINGS, VERSIONS, isLengthPolicy, validateMn, withPassword, type NewDeviceInput } from '../domain/device-defaults.js';

/** Device fields settable from the command line. */
export type DeviceOptions = Partial<Omit<NewDeviceInput, 'mn' | 'allowCharLength'>>;

/** A parsed command line: subcommand, MN (positional or --mn) and options. */
export interface DeviceArgs {
  command: string;
  mn?: string;
  options: DeviceOptions;
}

/** `hj212 device` usage text. */
export const USAGE = `usage: hj212 device <command>
  add --mn <MN> --password <PW> [options]   register a collector
  list                                      registered collectors (JSON)
  show <MN>                                 one collector (JSON)
  set <MN> [options] [--password <PW>]      change a collector
  disable <MN> | enable <MN>                refuse / accept its frames
  pending                                   unknown MNs seen by gateways (JSON)
options:
  --version 2005|2017|2025        protocol edition
  --crc hj212,modbus,modbus-swapped  accepted CRC variants
  --allow-mn-length               accept an MN that is not 14 or 24 characters (legacy collectors)
  --no-allow-mn-length            require 14 or 24 characters again
  --encoding utf-8|gbk            text encoding of free-text values
  --time-zone <IANA zone>         zone DataTime is expressed in
  --max-data-length <N>           maximum data segment in bytes, 64..9999 (default 1024)
  --length-policy exact|offset:<n>|trust-crlf
                                  how the length field may disagree with the data segment (default exact;
                                  offset:6 for clients writing len + 6; trust-crlf: any, when the CRC verifies)
  --mn-charset alnum|extended     letters and digits (default), or also _ and - in the MN
Redis: HJ212_REDIS_URL, HJ212_REDIS_PREFIX. Passwords, hashes and salts are never printed.`;

const SPEC = {
  mn: { type: 'string' },
  password: { type: 'string' },
  version: { type: 'string' },
  crc: { type: 'string' },
  'allow-mn-length': { type: 'boolean' },
  'no-allow-mn-length': { type: 'boolean' },
  encoding: { type: 'string' },
  'time-zone': { type: 'string' },
  'max-data-length': { type: 'string' },
  'length-policy': { type: 'string' },
  'mn-charset': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof SPEC; allowPositionals: true }>>['values'];

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string, problems: string[]): T | undefined {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  return undefined;
}

function parseCrc(value: string, problems: string[]): CrcVariant[] | undefined {
  const variants = value.split(',').map((v) => v.trim()).filter(Boolean);
  if (variants.length === 0) problems.push('--crc needs at least one variant');
  const parsed = variants.map((v) => oneOf(v, CRC_VARIANTS, 'crc', problems));
  return parsed.every((v) => v !== undefined) ? [...new Set(parsed)] : undefined;
}

function parseTimeZone(value: string, problems: string[]): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return value;
  } catch {
    problems.push(`--time-zone: unknown time zone '${value}'`);
    return undefined;
  }
}

function parseMaxDataLength(value: string, problems: string[]): number | undefined {
  const n = Number(value);
  // The same range as the API and HJ212_MAX_DATA_LENGTH; why these bounds: src/domain/data-length.ts.
  if (Number.isInteger(n) && n >= MIN_DATA_LENGTH && n <= MAX_DATA_LENGTH) return n;
  problems.push(`--max-data-length must be an integer from ${MIN_DATA_LENGTH} to ${MAX_DATA_LENGTH}, got '${value}'`);
  return undefined;
}

function toOptions(values: Values, problems: string[]): DeviceOptions {
  const options: DeviceOptions = {};
  if (values.password !== undefined) {
    if (values.password === '') problems.push('--password must not be empty');
    options.password = values.password;
  }
  if (values.version !== undefined) options.version = oneOf(values.version, VERSIONS, 'version', problems);
  if (values.crc !== undefined) options.crcVariants = parseCrc(values.crc, problems);
  if (values['allow-mn-length'] && values['no-allow-mn-length']) problems.push('--allow-mn-length and --no-allow-mn-length contradict');
  if (values['allow-mn-length']) options.allowMnLength = true;
  if (values['no-allow-mn-length']) options.allowMnLength = false;
  if (values.encoding !== undefined) options.encoding = oneOf(values.encoding, TEXT_ENCODINGS, 'encoding', problems);
  if (values['time-zone'] !== undefined) options.timeZone = parseTimeZone(values['time-zone'], problems);
  if (values['max-data-length'] !== undefined) options.maxDataLength = parseMaxDataLength(values['max-data-length'], problems);
  const policy = values['length-policy'];
  if (policy !== undefined) {
    if (isLengthPolicy(policy)) options.lengthPolicy = policy;
    else problems.push(`--length-policy must be exact, offset:<n> (n from -99 to 99, not 0) or trust-crlf, got '${policy}'`);
  }
  if (values['mn-charset'] !== undefined) options.mnCharset = oneOf(values['mn-charset'], MN_CHARSETS, 'mn-charset', problems);
  return options;
}

/** Parse `hj212 device` arguments; `problems` lists every usage error (empty when the line is usable). */
export function parseDeviceArgs(args: string[]): { parsed?: DeviceArgs; help: boolean; problems: string[] } {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: SPEC, allowPositionals: true, strict: true }));
  } catch (err) {
    return { help: false, problems: [(err as Error).message] };
  }
  const problems: string[] = [];
  const [command, positionalMn, ...extra] = positionals;
  if (values.help) return { help: true, problems };
  if (command === undefined) return { help: false, problems: ['missing command'] };
  if (extra.length > 0) problems.push(`unexpected arguments: ${extra.join(' ')}`);
  if (positionalMn !== undefined && values.mn !== undefined && positionalMn !== values.mn) problems.push('MN given twice with different values');
  const options = toOptions(values, problems);
  return { parsed: { command, mn: positionalMn ?? values.mn, options }, help: false, problems };
}

/**
 * The device with the options applied (password re-hashed when given) and `updatedAt` bumped.
 * @returns a problem description instead when the result would be invalid (e.g. MN length no longer allowed).
 */
export function applyOptions(device: Device, options: DeviceOptions, now: Date): Device | string {
  const { password, version, allowMnLength, mnCharset, crcVariants, encoding, timeZone, maxDataLength, lengthPolicy } = options;
  const next: Device = structuredClone(device);
  if (version !== undefined) next.version = version;
  if (allowMnLength !== undefined) next.allowMnLength = allowMnLength;
  if (mnCharset !== undefined) next.mnCharset = mnCharset;
  if (lengthPolicy !== undefined) next.profile.lengthPolicy = lengthPolicy;
  if (crcVariants !== undefined) next.profile.crcVariants = crcVariants;
  if (encoding !== undefined) next.profile.encoding = encoding;
  if (timeZone !== undefined) next.profile.timeZone = timeZone;
  if (maxDataLength !== undefined) next.profile.maxDataLength = maxDataLength;
  const problem = validateMn(next.mn, next.allowMnLength, next.mnCharset);
  if (problem) return problem;
  next.updatedAt = now.toISOString();
  return password === undefined ? next : withPassword(next, password, now);
}
