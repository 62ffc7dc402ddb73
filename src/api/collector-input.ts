/**
 * What creating or registering a collector takes, shared by /collectors and /pending-devices/:mn/register:
 * schemas, MN and binding checks, and the Device built with the registry's defaults.
 */
import { z } from 'zod';
import type { CatalogStore } from '../domain/catalog.js';
import type { LengthPolicy, MnCharset } from '../../protocol/index.js';
import { MAX_DATA_LENGTH, MIN_DATA_LENGTH } from '../domain/data-length.js';
import { CRC_VARIANTS, MN_CHARSETS, TEXT_ENCODINGS, VERSIONS, isLengthPolicy, newDevice, validateMn } from '../domain/device-defaults.js';
import type { Device } from '../domain/device.js';
import { AppError } from '../errors.js';
import { isTimeZone } from './time.js';
import { notFound } from './not-found.js';

/**
 * Device access password (HJ212 `PW`): printable ASCII without the frame's separators `;` `,` `&` `=`, which would
 * cut the header field short on the wire.
 */
export const passwordSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
  .refine((pw) => !/[;,&=]/.test(pw), 'must not contain ; , & or =');

/** How the length field may disagree with the data segment (README "Collectors as they really are"). */
export const lengthPolicySchema = z
  .union([z.literal('exact'), z.literal('trust-crlf'), z.templateLiteral(['offset:', z.int()])])
  .refine((v: LengthPolicy) => isLengthPolicy(v), 'exact, offset:<n> (n from -99 to 99, not 0) or trust-crlf')
  .describe("'exact' (default), 'offset:<n>' (length field = data bytes + n, e.g. offset:6), or 'trust-crlf' (any length field when the CRC verifies)");

export const mnCharsetSchema = z
  .enum(MN_CHARSETS as [MnCharset, ...MnCharset[]])
  .describe("'alnum' letters and digits (default), 'extended' also _ and - (e.g. JLYP01_AIR01_0001)");

export const profileInput = z
  .object({
    crcVariants: z.array(z.enum(CRC_VARIANTS as ['hj212', 'modbus', 'modbus-swapped'])).min(1),
    allowCharLength: z.boolean(),
    encoding: z.enum(TEXT_ENCODINGS as ['utf-8', 'gbk']),
    timeZone: z.string().refine(isTimeZone, 'an IANA time zone, e.g. Asia/Shanghai'),
    // The same range as `hj212 device --max-data-length` and HJ212_MAX_DATA_LENGTH (src/domain/data-length.ts).
    maxDataLength: z.number().int().min(MIN_DATA_LENGTH).max(MAX_DATA_LENGTH),
    lengthPolicy: lengthPolicySchema,
  })
  .partial()
  .describe('compatibility profile; absent fields keep their defaults (or current values)');

export const versionSchema = z.enum(VERSIONS as ['2005', '2017', '2025']);

/** Body of POST /collectors without the MN (the register route takes it from the path). */
export const registerBody = z.object({
  password: passwordSchema,
  version: versionSchema.optional(),
  allowMnLength: z.boolean().optional().describe('accept an MN that is not 14 or 24 characters (legacy collectors)'),
  mnCharset: mnCharsetSchema.optional(),
  profile: profileInput.optional(),
  siteId: z.string().min(1).optional(),
  pointId: z.string().min(1).optional().describe('binds the collector to a monitoring point (and its site)'),
});

/** A device as returned: the registry record without password hash and salt. */
export const collectorSchema = z
  .object({
    mn: z.string(),
    weakPassword: z.boolean().describe('the password is a well-known default such as 123456'),
    version: versionSchema.optional(),
    enabled: z.boolean(),
    allowMnLength: z.boolean(),
    mnCharset: z.string().optional(),
    profile: z.object({
      crcVariants: z.array(z.string()),
      allowCharLength: z.boolean(),
      encoding: z.string(),
      timeZone: z.string(),
      maxDataLength: z.number(),
      lengthPolicy: z.string().optional(),
    }),
    siteId: z.string().optional(),
    pointId: z.string().optional(),
    enterpriseId: z.string().optional(),
    boundAt: z.string().optional().describe('when the collector was bound to its point: periods are expected from then on (or from the item\'s startAt if later)'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Collector' });

/** Where a collector is bound: a point (and so its site and enterprise), a site only, or nothing. */
export type Binding = Pick<Device, 'siteId' | 'pointId' | 'enterpriseId'>;

/** Check a requested binding against the catalog. */
export async function resolveBinding(catalog: CatalogStore, siteId: string | undefined, pointId: string | undefined): Promise<Binding> {
  if (pointId !== undefined) {
    const point = await catalog.getPoint(pointId);
    if (!point) throw notFound(`point ${pointId}`);
    if (siteId !== undefined && siteId !== point.siteId) throw new AppError('APP_ERR_BAD_REQUEST', `point ${pointId} is not at site ${siteId}`);
    return { siteId: point.siteId, pointId, enterpriseId: point.enterpriseId };
  }
  if (siteId !== undefined) {
    const site = await catalog.getSite(siteId);
    if (!site) throw notFound(`site ${siteId}`);
    return { siteId, enterpriseId: site.enterpriseId };
  }
  return {};
}

/**
 * Replace the binding fields of a device (absent fields removed, not left stale). `boundAt` is the time the collector
 * was bound to a point: kept while the point stays the same, set anew when it changes, removed when unbound.
 */
export function withBinding(device: Device, binding: Binding, now: Date = new Date()): Device {
  const { siteId: _s, pointId: _p, enterpriseId: _e, boundAt, ...rest } = device;
  if (binding.pointId === undefined) return { ...rest, ...binding };
  return { ...rest, ...binding, boundAt: binding.pointId === device.pointId && boundAt !== undefined ? boundAt : now.toISOString() };
}

/** @throws AppError APP_ERR_INVALID_MN */
export function assertValidMn(mn: string, allowMnLength: boolean, mnCharset?: MnCharset): void {
  const problem = validateMn(mn, allowMnLength, mnCharset);
  if (problem) throw new AppError('APP_ERR_INVALID_MN', problem);
}

/** A new device from a validated body. */
export async function buildDevice(catalog: CatalogStore, mn: string, body: z.infer<typeof registerBody>): Promise<Device> {
  const allowMnLength = body.allowMnLength ?? false;
  assertValidMn(mn, allowMnLength, body.mnCharset);
  const binding = await resolveBinding(catalog, body.siteId, body.pointId);
  const device = newDevice({ mn, password: body.password, version: body.version, allowMnLength, mnCharset: body.mnCharset, ...body.profile });
  return withBinding(device, binding);
}
