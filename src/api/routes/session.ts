/**
 * Sign-in and the browser session: POST /auth/login (public), GET /auth/me, POST /auth/logout, POST /auth/password.
 * Wrong user name and wrong password answer the same 401 after the same work (the store hashes a dummy for unknown
 * names); a locked name or address answers 429 with Retry-After before any password is checked
 * (src/api/login-lockout.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UserRecord, WebSession } from '../../domain/accounts.js';
import { ROLES } from '../../domain/catalog.js';
import { AppError } from '../../errors.js';
import { givenPasswordSchema, newPasswordSchema, sessionSchema } from '../account-schemas.js';
import { recordChange } from '../audit-trail.js';
import { problemSchema, errorResponses } from '../schemas.js';
import { clearedSessionCookie, isAccountUsable, isSecure, sessionCookie } from '../session-auth.js';
import type { AccountRouteOptions } from './accounts.js';

const loginBody = z.object({ username: z.string().min(1).max(64), password: givenPasswordSchema });
const passwordBody = z.object({ currentPassword: givenPasswordSchema, newPassword: newPasswordSchema });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });

/** The session body of login and /auth/me. */
function sessionBody(user: UserRecord, session: WebSession): z.infer<typeof sessionSchema> {
  const shown = { username: user.username, role: user.role, main: user.main, ...(user.enterpriseId === undefined ? {} : { enterpriseId: user.enterpriseId }) };
  return { user: shown, csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() };
}

/** Refuse with 429 + Retry-After while the name or the address is locked. */
function refuseLocked(reply: FastifyReply, ms: number): never {
  reply.header('retry-after', String(Math.max(1, Math.ceil(ms / 1000))));
  throw new AppError('APP_ERR_RATE_LIMITED', 'sign-ins of this user name or from this address are locked after failures; retry later');
}

export const sessionRoutes: FastifyPluginAsyncZod<AccountRouteOptions> = async (app, { deps, runtime, now }) => {
  const tags = ['accounts'];
  const { accounts, lockout, hashes, failures } = runtime;
  const { users, sessions, settings } = accounts;
  const guardDeps = { users, catalog: deps.catalog, tokens: deps.tokens };
  const allRoles = [...ROLES];

  /** A failed password check: counted against the name and the address, summarised in the log, in the metrics. */
  function failed(req: FastifyRequest, username: string, at: number): void {
    for (const scope of lockout.fail(username, req.ip, at)) {
      deps.metrics.loginLockouts.inc({ scope });
      req.log.warn({ scope, ...(scope === 'user' ? { username } : { address: req.ip }) }, 'sign-in lockout');
    }
    deps.metrics.logins.inc({ outcome: 'refused' });
    failures.failed(req.ip);
  }

  /** Check a password within the hash limiter; APP_ERR_BUSY (with Retry-After) when it is full. */
  async function verify(reply: FastifyReply, username: string, password: string): Promise<UserRecord | undefined> {
    try {
      return await hashes(() => users.verify(username, password));
    } catch (err) {
      if (err instanceof AppError && err.code === 'APP_ERR_BUSY') {
        deps.metrics.logins.inc({ outcome: 'busy' });
        reply.header('retry-after', '1');
      }
      throw err;
    }
  }

  /** The session of a cookie-authenticated request; bearer callers have none. */
  function sessionOf(req: FastifyRequest): { secret: string; session: WebSession } {
    if (!req.webSession) throw new AppError('APP_ERR_FORBIDDEN', 'a signed-in session is needed (bearer tokens: GET /me)');
    return req.webSession;
  }

  app.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Sign in with user name and password: sets the session cookie, answers the CSRF token',
        body: loginBody,
        response: {
          200: sessionSchema,
          401: problem('wrong user name or password, or the account is disabled (APP_ERR_UNAUTHENTICATED; the same detail for each)'),
          429: problem('sign-ins of this user name or from this address are locked; see Retry-After (APP_ERR_RATE_LIMITED)'),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      const at = now();
      const locked = lockout.lockedFor(username, req.ip, at);
      if (locked > 0) {
        deps.metrics.logins.inc({ outcome: 'locked' });
        refuseLocked(reply, locked);
      }
      const user = await verify(reply, username, password);
      if (!user || !(await isAccountUsable(guardDeps, user))) {
        failed(req, username, at);
        throw new AppError('APP_ERR_UNAUTHENTICATED', 'wrong user name or password');
      }
      lockout.succeed(username, req.ip, at);
      const { secret, session, dropped } = await sessions.create(user.username, at);
      deps.metrics.logins.inc({ outcome: 'success' });
      req.log.info({ username: user.username, endedOldest: dropped }, 'signed in');
      reply.header('set-cookie', sessionCookie(secret, isSecure(req, settings.cookieSecure)));
      return sessionBody(user, session);
    },
  );

  app.get(
    '/auth/me',
    {
      config: { roles: allRoles },
      schema: { tags, summary: 'The signed-in account and its CSRF token (a reloaded page recovers it here)', response: { 200: sessionSchema, ...errorResponses } },
    },
    async (req) => {
      const { session } = sessionOf(req);
      const user = await users.get(session.username);
      if (!user) throw new AppError('APP_ERR_UNAUTHENTICATED', 'session expired or signed out');
      return sessionBody(user, session);
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { roles: allRoles },
      schema: { tags, summary: 'Sign out: the session ends and its cookie is cleared', response: { 204: z.null().describe('signed out'), ...errorResponses } },
    },
    async (req, reply) => {
      if (req.webSession) await sessions.delete(req.webSession.secret);
      reply.header('set-cookie', clearedSessionCookie(isSecure(req, settings.cookieSecure)));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/password',
    {
      config: { roles: allRoles },
      schema: {
        tags,
        summary: "Change the signed-in account's password; its other sessions end",
        body: passwordBody,
        response: { 204: z.null().describe('changed'), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { secret, session } = sessionOf(req);
      const at = now();
      const locked = lockout.lockedFor(session.username, req.ip, at);
      if (locked > 0) refuseLocked(reply, locked);
      const user = await verify(reply, session.username, req.body.currentPassword);
      if (!user) {
        // A stolen session must not become a password-guessing oracle: this counts like a failed sign-in.
        failed(req, session.username, at);
        throw new AppError('APP_ERR_WRONG_PASSWORD');
      }
      const after = await hashes(() => users.setPassword(user.username, req.body.newPassword));
      await sessions.deleteAll(user.username, secret);
      await recordChange(deps, req, { action: 'password', entity: { type: 'user', id: user.username }, before: user, after });
      return reply.code(204).send(null);
    },
  );
};
