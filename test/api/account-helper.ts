/** Signing in through the API in tests: accounts made through the store, sessions as cookie + CSRF token. */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { NewUser } from '../../src/domain/accounts.js';
import type { TestApi } from './helper.js';

/** A signed-in session: the cookie's value and the CSRF token the login answered. */
export interface Session {
  secret: string;
  csrf: string;
  res: LightMyRequestResponse;
}

/** The `hj212_session` value a response sets, or undefined. */
export function sessionCookieSet(res: LightMyRequestResponse): string | undefined {
  const header = res.headers['set-cookie'];
  const line = Array.isArray(header) ? header.find((h) => h.startsWith('hj212_session=')) : header;
  return line === undefined ? undefined : /^hj212_session=([^;]*)/.exec(line)?.[1];
}

/** POST /auth/login from `remoteAddress`. */
export function login(api: TestApi, username: string, password: string, remoteAddress = '10.9.0.1'): Promise<LightMyRequestResponse> {
  return api.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password }, remoteAddress });
}

/** Sign in and return the session; throws unless the login succeeded. */
export async function signIn(api: TestApi, username: string, password: string, remoteAddress?: string): Promise<Session> {
  const res = await login(api, username, password, remoteAddress);
  const secret = sessionCookieSet(res);
  if (res.statusCode !== 200 || !secret) throw new Error(`login of ${username}: ${res.statusCode} ${res.body}`);
  return { secret, csrf: res.json<{ csrfToken: string }>().csrfToken, res };
}

/** Call the API with the session cookie (and its CSRF token unless `csrf: false` or another value is given). */
export function asSession(api: TestApi, session: Session, opts: InjectOptions, csrf: string | false = session.csrf): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { cookie: `hj212_session=${session.secret}` };
  if (csrf !== false) headers['x-csrf-token'] = csrf;
  return api.app.inject({ remoteAddress: '10.9.0.1', ...opts, headers: { ...headers, ...(opts.headers as Record<string, string> | undefined) } });
}

/** Create an account straight in the store (createdBy 'test' unless given). */
export async function makeUser(api: TestApi, input: Partial<NewUser> & Pick<NewUser, 'username' | 'role'>): Promise<void> {
  const users = api.deps.accounts?.users;
  if (!users) throw new Error('the test API has no accounts');
  const made = await users.create({ password: 'correct horse', main: false, createdBy: 'test', ...input });
  if (!made) throw new Error(`user ${input.username} exists`);
}
