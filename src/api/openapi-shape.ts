/**
 * What makes the OpenAPI document one a portal can generate a client from: an `operationId` on every operation,
 * per-status problem responses (which statuses a route can answer follows from its method, parameters and body),
 * and no unused component schemas. Applied as routes are added (operations) and when the document is built
 * (components), so no route can forget it.
 */
import type { RouteOptions } from 'fastify';
import { APP_ERRORS } from '../errors.js';
import { errorResponses, problemSchema } from './schemas.js';

/** `GET /collectors/:mn/latest` → `getCollectorsByMnLatest`: unique per method and path, stable across releases. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .split('/')
    .filter(Boolean)
    .flatMap((seg) => (seg.startsWith(':') ? ['by', seg.slice(1)] : seg.split(/[^A-Za-z0-9]+/)))
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

const codesOf = (status: number): string =>
  Object.values(APP_ERRORS)
    .filter((e) => e.status === status)
    .map((e) => e.code)
    .join(', ');

const problem = (status: number, what: string) => ({ description: `${what} (${codesOf(status)})`, content: { 'application/problem+json': { schema: problemSchema } } });

/** The problem responses a route documents: what every authenticated route can answer, plus what its shape adds. */
export function problemResponses(method: string, hasParams: boolean, hasBody: boolean, isPublic: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { 400: problem(400, 'the request does not match the schema or is malformed') };
  if (!isPublic) {
    out[401] = problem(401, 'missing or invalid bearer token or session cookie');
    out[403] = problem(403, 'the role of the token or account may not call this route (or, with the session cookie, no X-CSRF-Token)');
  }
  const writes = method !== 'GET';
  if (hasParams || writes || !isPublic) out[404] = problem(404, 'no such resource, or one outside the token’s enterprise');
  if (writes) out[409] = problem(409, 'conflicts with an existing resource or the entry’s state');
  if (hasBody) {
    out[413] = problem(413, 'request body too large');
    out[415] = problem(415, 'the body is not JSON');
  }
  if (!isPublic) out[429] = problem(429, 'too many failed authentications from this address');
  out[500] = problem(500, 'internal error');
  out[503] = problem(503, 'storage or a dependency unavailable');
  return out;
}

/** Marker the route files spread into their responses; replaced per route by {@link shapeOperation}. */
export const PROBLEMS_MARKER = 'x-problems' satisfies keyof typeof errorResponses;

/** onRoute: operationId, per-status problem responses in place of the marker. */
export function shapeOperation(route: RouteOptions, isDocsRoute: boolean): void {
  if (isDocsRoute) return;
  const method = Array.isArray(route.method) ? String(route.method[0]) : String(route.method);
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  const response = (schema.response ?? {}) as Record<string, unknown>;
  const { [PROBLEMS_MARKER]: marker, ...success } = response;
  const expanded = marker === undefined ? {} : problemResponses(method, schema.params !== undefined, schema.body !== undefined, route.config?.public === true);
  // Public routes say so (`security: []`), so linters and generated clients do not assume the bearer scheme.
  const security = route.config?.public === true ? { security: [] } : {};
  route.schema = { ...schema, ...security, operationId: (schema.operationId as string | undefined) ?? operationIdOf(method, route.url), response: { ...success, ...expanded } };
}

/** Drop component schemas no operation (or used component) references: generated clients get no dead types. */
export function pruneComponents<T extends { paths?: unknown; components?: { schemas?: Record<string, unknown> } }>(doc: T): T {
  const schemas = doc.components?.schemas;
  if (!schemas) return doc;
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      const name = key === '$ref' && typeof value === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(value)?.[1] : undefined;
      if (name !== undefined && !used.has(name)) {
        used.add(name);
        visit(schemas[name]);
      } else visit(value);
    }
  };
  visit(doc.paths);
  return { ...doc, components: { ...doc.components, schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name))) } };
}
