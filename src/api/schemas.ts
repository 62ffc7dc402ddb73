/**
 * zod schemas shared by several route families: the problem document, ids, times and the catalog entities as
 * returned. They generate the OpenAPI components, so `.describe()` texts end up in /docs.
 */
import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES, ROLES } from '../domain/catalog.js';
import { VALUE_KINDS } from '../domain/readings.js';
import { APP_ERRORS, type AppErrorCode } from '../errors.js';

/** RFC 7807 problem document with our `code` and, for validation failures, the field problems. */
export const problemSchema = z
  .object({
    type: z.string().describe('urn:hj212:error:<code>'),
    title: z.string().describe('fixed message of the code'),
    status: z.number().int(),
    code: z.enum(Object.keys(APP_ERRORS) as [AppErrorCode, ...AppErrorCode[]]).describe('APP_ERR_* code, see docs/api.md'),
    detail: z.string().optional().describe('what went wrong this time (4xx only)'),
    instance: z.string().optional(),
    errors: z.array(z.object({ location: z.string(), path: z.string(), message: z.string() })).optional(),
    checks: z.record(z.string(), z.enum(['up', 'down'])).optional(),
  })
  .meta({ id: 'Problem' });

/**
 * Error responses every route documents: a marker that src/api/openapi-shape.ts replaces, per route, by one
 * problem response per status the route can answer (400, 401, 403, 404, 409, 413, 415, 429, 500, 503).
 */
export const errorResponses = { 'x-problems': problemSchema } as const;

/** A `+hh:mm` offset sent unencoded in a query string arrives as a space (`…T00:00:00 08:00`). */
const SPACE_FOR_PLUS = /\d \d{2}(:?\d{2})?$/;

/**
 * ISO 8601 date-time that must carry an offset (`Z` or `±hh:mm`), as the API takes and gives times. A `+` left
 * unencoded in a URL arrives as a space; the error then says to encode it as `%2B`.
 */
export const isoDateTime = z.iso.datetime({
  offset: true,
  error: (issue) =>
    typeof issue.input === 'string' && SPACE_FOR_PLUS.test(issue.input)
      ? 'the offset arrived as a space: encode `+` as `%2B` in a URL (e.g. 2024-05-01T00:00:00%2B08:00)'
      : 'an ISO 8601 date-time with an offset, e.g. 2024-05-01T00:00:00+08:00 (in a URL: %2B08:00) or 2024-04-30T16:00:00Z',
});

export const idParams = z.object({ id: z.string().min(1).max(64) });

/**
 * A collector's MN in a path or query: the MN alphabet, extended by `_` and `-` for legacy collectors (whether such
 * a collector exists is the registry's answer; its format is checked where collectors are created). A control
 * character or space is a 400 here, never a storage error.
 */
export const mnString = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an MN: 1 to 64 letters, digits, `_` or `-`');
export const mnParams = z.object({ mn: mnString });

export const roleSchema = z.enum(ROLES);

/** Optional text field: trimmed, non-empty when present. */
export const text = (max: number) => z.string().trim().min(1).max(max);

const recordBase = {
  id: z.string(),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const enterpriseSchema = z
  .object({ ...recordBase, name: z.string(), creditCode: z.string().optional(), region: z.string().optional() })
  .meta({ id: 'Enterprise' });

export const siteSchema = z
  .object({
    ...recordBase,
    enterpriseId: z.string(),
    name: z.string(),
    code: z.string().optional(),
    address: z.string().optional(),
    longitude: z.number().optional(),
    latitude: z.number().optional(),
  })
  .meta({ id: 'Site' });

export const pointSchema = z
  .object({ ...recordBase, enterpriseId: z.string(), siteId: z.string(), name: z.string(), code: z.string().optional(), st: z.string().optional() })
  .meta({ id: 'MonitoringPoint' });

export const uploadSchema = z.object({
  kind: z.enum(VALUE_KINDS),
  periodSeconds: z.number().int().positive().max(31 * 86_400).describe('expected interval between uploads of this kind'),
});

export const itemSchema = z
  .object({
    ...recordBase,
    enterpriseId: z.string(),
    siteId: z.string(),
    pointId: z.string(),
    factor: z.string(),
    mode: z.enum(['automatic', 'manual']),
    uploads: z.array(uploadSchema),
    unit: z.string().optional(),
    standardLower: z.number().optional(),
    standardUpper: z.number().optional(),
    rangeLower: z.number().optional(),
    rangeUpper: z.number().optional(),
    startAt: z.string().optional(),
    endAt: z.string().optional(),
  })
  .meta({ id: 'MonitoringItem' });

export const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    enterpriseId: z.string().optional(),
    main: z.boolean().describe('enterprise main account: manages sub-account tokens'),
    createdBy: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
  })
  .meta({ id: 'Token' });

export const auditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({ tokenId: z.string(), name: z.string(), role: z.string(), enterpriseId: z.string().optional() }),
    action: z.enum(AUDIT_ACTIONS),
    entity: z.object({ type: z.enum(AUDIT_ENTITY_TYPES), id: z.string() }),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .meta({ id: 'AuditEntry' });

/** Body of PATCH requests that only toggle or rename: at least one field must be present. */
export function nonEmpty<T extends z.ZodObject>(schema: T): T {
  return schema.refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'nothing to change' });
}
