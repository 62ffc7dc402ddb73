/**
 * Authentication and role checks: a bearer token, or the session cookie of a signed-in account (src/api/session-auth.ts;
 * its principal has the token's shape, `id: 'user:<name>'`). Every route declares who may call it in its `config`:
 * `roles` (the principal's role must be one of them) or `public: true` (/health, /ready, the /docs pages). A route
 * declaring neither fails at startup, so nothing is reachable by accident; the same declaration writes the route's
 * OpenAPI `security`. A bearer header wins over a cookie; cookie-authenticated unsafe methods need `X-CSRF-Token`.
 *
 * Failed authentications are counted per client address (@fastify/rate-limit's manual limiter): once a client has
 * failed `max` times in the window, it gets 429 before its token is even looked up.
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { principalOfUser, type WebSession } from '../domain/accounts.js';
import type { Role, TokenRecord, TokenStore } from '../domain/catalog.js';
import { AppError } from '../errors.js';
import { authenticateSession, hasCsrfToken, isUnsafeMethod, sessionCookieOf, type AccountAuthDeps } from './session-auth.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route. */
    roles?: readonly Role[];
    /** No token needed. */
    public?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated token (or signed-in account, in the token's shape); null on public routes. */
    principal: TokenRecord | null;
    /** The browser session when the request was authenticated by the session cookie; null otherwise. */
    webSession: { secret: string; session: WebSession } | null;
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
  route.schema = { ...schema, security: [{ bearerAuth: [] }, { sessionCookie: [] }], description: `${description}Roles: ${roles.join(', ')}.` };
}

function bearerOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Options of {@link registerAuth}. */
export interface AuthOptions {
  docsPrefix: string;
  failures: AuthFailureLimit;
  /** Accounts and sessions; without them only bearer tokens authenticate. */
  accounts?: AccountAuthDeps;
  /** Clock of session expiry, ms (tests pass their own). */
  now: () => number;
}

/** Register authentication and role checks on the root instance (before any route). */
export function registerAuth(app: FastifyInstance, tokens: TokenStore, opts: AuthOptions): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('webSession', null);
  app.addHook('onRoute', (route) => declareAccess(route, opts.docsPrefix));
  const failures = app.createRateLimit({ max: opts.failures.max, timeWindow: opts.failures.timeWindowMs });

  /** The principal of the request's credentials: the bearer token, else the session cookie; undefined when neither works. */
  async function authenticate(req: FastifyRequest): Promise<{ principal: TokenRecord; detail?: undefined } | { principal?: undefined; detail: string }> {
    const secret = bearerOf(req);
    if (secret !== undefined) {
      const token = await tokens.verify(secret);
      return token ? { principal: token } : { detail: 'unknown or revoked token' };
    }
    const cookie = opts.accounts ? sessionCookieOf(req) : undefined;
    if (cookie === undefined || !opts.accounts) return { detail: 'no bearer token or session cookie' };
    const found = await authenticateSession(opts.accounts, cookie, opts.now());
    if (!found) return { detail: 'session expired or signed out' };
    req.webSession = { secret: cookie, session: found.session };
    return { principal: principalOfUser(found.user) };
  }

  app.addHook('onRequest', async (req) => {
    const config = req.routeOptions.config;
    // Unknown routes answer 404 whoever asks; public routes need nothing.
    if (req.is404 || config.public) return;
    const before = await failures(req, { increment: false });
    if (!before.isAllowed && before.isExceeded) throw new AppError('APP_ERR_RATE_LIMITED');
    const { principal, detail } = await authenticate(req);
    if (!principal) {
      const after = await failures(req);
      if (!after.isAllowed && after.isExceeded) throw new AppError('APP_ERR_RATE_LIMITED');
      throw new AppError('APP_ERR_UNAUTHENTICATED', detail);
    }
    req.principal = principal;
    // A cross-site page cannot read the CSRF token, so it cannot forge a signed-in write (SameSite=Strict aside).
    if (req.webSession && isUnsafeMethod(req.method) && !hasCsrfToken(req, req.webSession.session)) {
      throw new AppError('APP_ERR_CSRF', `send the session's csrfToken (from POST /auth/login or GET /auth/me) in X-CSRF-Token`);
    }
    if (!config.roles?.includes(principal.role)) throw new AppError('APP_ERR_FORBIDDEN', `role ${principal.role} may not call this route`);
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
