/**
 * Bearer-token authentication and role checks. Every route declares who may call it in its `config`: `roles` (the
 * token's role must be one of them) or `public: true` (/health, /ready, the /docs pages). A route declaring neither
 * fails at startup, so nothing is reachable by accident; the same declaration writes the route's OpenAPI `security`.
 *
 * Failed authentications are counted per client address (@fastify/rate-limit's manual limiter): once a client has
 * failed `max` times in the window, it gets 429 before its token is even looked up.
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { Role, TokenRecord, TokenStore } from '../domain/catalog.js';
import { AppError } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route. */
    roles?: readonly Role[];
    /** No token needed. */
    public?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated token; null on public routes. */
    principal: TokenRecord | null;
  }
}

/** Limits on failed authentications per client address. */
export interface AuthFailureLimit {
  /** Failures allowed per window. Default 20. */
  max: number;
  /** Window in milliseconds. Default 60 000. */
  timeWindowMs: number;
}

/** The token of an authenticated request. */
export function principalOf(req: FastifyRequest): TokenRecord {
  if (!req.principal) throw new AppError('APP_ERR_UNAUTHENTICATED');
  return req.principal;
}

/** Route paths served by @fastify/swagger-ui under the docs prefix; public, see docs/api.md. */
function isDocsRoute(url: string, docsPrefix: string): boolean {
  return url === docsPrefix || url.startsWith(`${docsPrefix}/`);
}

/**
 * Check each route's access declaration as it is added and document it: the allowed roles are appended to the
 * description and `security` is set, so the OpenAPI document states exactly what is enforced.
 */
function declareAccess(route: RouteOptions, docsPrefix: string): void {
  if (isDocsRoute(route.url, docsPrefix)) {
    route.config = { ...route.config, public: true };
    return;
  }
  const { roles, public: isPublic } = route.config ?? {};
  if (isPublic) return;
  if (!roles || roles.length === 0) throw new Error(`route ${route.method} ${route.url} declares neither roles nor public`);
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  const description = typeof schema.description === 'string' ? `${schema.description}\n\n` : '';
  route.schema = { ...schema, security: [{ bearerAuth: [] }], description: `${description}Roles: ${roles.join(', ')}.` };
}

function bearerOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Register authentication and role checks on the root instance (before any route). */
export function registerAuth(app: FastifyInstance, tokens: TokenStore, opts: { docsPrefix: string; failures: AuthFailureLimit }): void {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => declareAccess(route, opts.docsPrefix));
  const failures = app.createRateLimit({ max: opts.failures.max, timeWindow: opts.failures.timeWindowMs });

  app.addHook('onRequest', async (req) => {
    const config = req.routeOptions.config;
    // Unknown routes answer 404 whoever asks; public routes need nothing.
    if (req.is404 || config.public) return;
    const before = await failures(req, { increment: false });
    if (!before.isAllowed && before.isExceeded) throw new AppError('APP_ERR_RATE_LIMITED');
    const secret = bearerOf(req);
    const token = secret === undefined ? undefined : await tokens.verify(secret);
    if (!token) {
      const after = await failures(req);
      if (!after.isAllowed && after.isExceeded) throw new AppError('APP_ERR_RATE_LIMITED');
      throw new AppError('APP_ERR_UNAUTHENTICATED', secret === undefined ? 'no bearer token' : 'unknown or revoked token');
    }
    req.principal = token;
    if (!config.roles?.includes(token.role)) throw new AppError('APP_ERR_FORBIDDEN', `role ${token.role} may not call this route`);
  });
}

/** True when the token is bound to one enterprise and may see only its data. */
export function isEnterpriseScoped(token: TokenRecord): boolean {
  return token.role === 'enterprise';
}

/**
 * Throw 404 unless the token may see data of `enterpriseId`. Enterprise tokens see their own enterprise only;
 * every other role that reached the route sees all. Records without an enterprise are hidden from enterprise tokens.
 *
 * The scope rule (docs/api.md "Enterprise scope"): a resource outside the token's enterprise answers exactly like
 * an unknown one — `404 APP_ERR_NOT_FOUND` with the same `detail` (`what`, e.g. `collector <mn>`) — so an enterprise
 * token cannot learn which MNs, sites or tokens exist elsewhere. 403 is kept for what the role may not do.
 */
export function assertEnterpriseAccess(token: TokenRecord, enterpriseId: string | undefined, what: string): void {
  if (isEnterpriseScoped(token) && (enterpriseId === undefined || enterpriseId !== token.enterpriseId)) {
    throw new AppError('APP_ERR_NOT_FOUND', what);
  }
}
