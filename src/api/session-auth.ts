/**
 * Signed-in browser sessions as an alternative to bearer tokens: the `hj212_session` cookie (HttpOnly,
 * SameSite=Strict, Path=/, Secure over TLS or with HJ212_COOKIE_SECURE=true), the account behind it, and the same
 * enterprise scope rules as tokens (src/api/token-guard.ts): a disabled account, an enterprise account of a disabled
 * enterprise, and a sub-account whose main account is disabled (or whose creating main token is revoked) are refused.
 * Unsafe methods authenticated by the cookie need the session's CSRF token in `X-CSRF-Token`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { UserRecord, UserStore, WebSession, WebSessionStore } from '../domain/accounts.js';
import type { CatalogStore, TokenStore } from '../domain/catalog.js';

export const SESSION_COOKIE = 'hj212_session';
export const CSRF_HEADER = 'x-csrf-token';

/** The value of the session cookie, if the request carries one (the first, as browsers send the most specific first). */
export function sessionCookieOf(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string' || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value;
  }
  return undefined;
}

/** True when the cookie must carry `Secure`: the request came over TLS, or the operator says TLS ends before us. */
export function isSecure(req: FastifyRequest, cookieSecure: boolean): boolean {
  return cookieSecure || req.protocol === 'https';
}

/** `Set-Cookie` value starting a session (no Max-Age: the browser forgets it on exit; the server enforces expiry). */
export function sessionCookie(secret: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** `Set-Cookie` value clearing the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${secure ? '; Secure' : ''}`;
}

/** True when the request sends the session's CSRF token (constant-time comparison). */
export function hasCsrfToken(req: FastifyRequest, session: WebSession): boolean {
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent, 'utf8');
  const b = Buffer.from(session.csrfToken, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Methods a CSRF token is required for (RFC 9110 9.2.1: the others are safe). */
export function isUnsafeMethod(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

/** What account authentication needs: the stores, and the token store for sub-accounts made by a main token. */
export interface AccountAuthDeps {
  users: UserStore;
  sessions: WebSessionStore;
  catalog: Pick<CatalogStore, 'getEnterprise'>;
  tokens: Pick<TokenStore, 'get'>;
}

/** True when the account may act now (the enterprise scope rules of tokens, applied to accounts). */
export async function isAccountUsable(deps: Omit<AccountAuthDeps, 'sessions'>, user: UserRecord): Promise<boolean> {
  if (user.disabledAt !== undefined) return false;
  if (user.role !== 'enterprise') return true;
  const enterprise = user.enterpriseId === undefined ? undefined : await deps.catalog.getEnterprise(user.enterpriseId);
  if (!enterprise?.enabled) return false;
  if (user.main) return true;
  // A sub-account made by a main account (an account or a main token) of its enterprise stops with it.
  if (user.createdBy.startsWith('user:')) {
    const creator = await deps.users.get(user.createdBy.slice('user:'.length));
    return !(creator && creator.role === 'enterprise' && creator.main && creator.disabledAt !== undefined);
  }
  if (user.createdBy === 'cli') return true;
  const token = await deps.tokens.get(user.createdBy);
  return !(token && token.role === 'enterprise' && token.main && token.revokedAt !== undefined);
}

/** The session and account behind a cookie, when both are live and the account is usable. */
export async function authenticateSession(deps: AccountAuthDeps, secret: string, now: number): Promise<{ session: WebSession; user: UserRecord } | undefined> {
  const session = await deps.sessions.touch(secret, now);
  if (!session) return undefined;
  const user = await deps.users.get(session.username);
  if (!user || !(await isAccountUsable(deps, user))) return undefined;
  return { session, user };
}
