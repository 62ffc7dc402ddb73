/**
 * The JSON a Device is stored as in Redis, checked on the way out: the CLI, the API and older gateway versions all
 * write it, and a malformed record must surface as an error naming the MN, not as `undefined.profile` later.
 */
import { z } from 'zod';
import { isLengthPolicy, type LengthPolicy } from '../../../protocol/index.js';
import type { Device } from '../../domain/device.js';

const profileSchema = z.object({
  crcVariants: z.array(z.enum(['hj212', 'modbus', 'modbus-swapped'])),
  allowCharLength: z.boolean(),
  encoding: z.enum(['utf-8', 'gbk']),
  timeZone: z.string(),
  maxDataLength: z.number().int().positive(),
  // Absent in records written before it existed: 'exact'.
  lengthPolicy: z.custom<LengthPolicy>((v) => typeof v === 'string' && isLengthPolicy(v), 'exact, offset:<n> or trust-crlf').optional(),
});

const deviceSchema = z.object({
  mn: z.string().min(1),
  passwordHash: z.string(),
  passwordSalt: z.string(),
  weakPassword: z.boolean(),
  version: z.enum(['2005', '2017', '2025']).optional(),
  enabled: z.boolean(),
  allowMnLength: z.boolean(),
  mnCharset: z.enum(['alnum', 'extended']).optional(),
  profile: profileSchema,
  siteId: z.string().optional(),
  pointId: z.string().optional(),
  enterpriseId: z.string().optional(),
  boundAt: z.string().optional(),
  pendingPassword: z.object({ hash: z.string(), salt: z.string(), weak: z.boolean(), until: z.number(), commandId: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A stored device record that does not parse. */
export class DeviceRecordError extends Error {
  constructor(
    readonly mn: string,
    reason: string,
  ) {
    super(`device record for ${mn} is invalid: ${reason}`);
    this.name = 'DeviceRecordError';
  }
}

/** Serialize a device for storage. */
export function encodeDevice(device: Device): string {
  return JSON.stringify(device);
}

/**
 * Parse a stored device. The result is deeply frozen: the registry hands the same cached object to every frame
 * of a device, so a caller mutating it would change what other connections see (copy it to change it).
 * @throws DeviceRecordError when the JSON or its shape is wrong.
 */
export function decodeDevice(mn: string, json: string): Device {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new DeviceRecordError(mn, (err as Error).message);
  }
  const parsed = deviceSchema.safeParse(raw);
  if (!parsed.success) throw new DeviceRecordError(mn, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const device: Device = parsed.data;
  Object.freeze(device.profile.crcVariants);
  Object.freeze(device.profile);
  return Object.freeze(device);
}
