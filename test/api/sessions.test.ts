/**
 * Sign-in and browser sessions through the real API on real Redis: the cookie's attributes, the CSRF rule for
 * cookie-authenticated writes, role checks applying to cookies as to tokens, sign-out, idle and absolute expiry (an
 * injected clock, no sleeping), password change, and the per-user session cap under a flood of sign-ins.
 */
import t from 'tap';
import { asSession, login, makeUser, sessionCookieSet, signIn } from './account-helper.js';
import { body, buildTestApi } from './helper.js';

let clock = Date.parse('2026-01-05T08:00:00Z');
const IDLE = 1800_000;
const MAX = 43_200_000;
const api = await buildTestApi({ now: () => clock, accounts: { sessionsPerUser: 3 } });
t.teardown(() => api.close());

await makeUser(api, { username: 'alice', role: 'ops' });
await makeUser(api, { username: 'rita', role: 'reader' });

t.test('signing in sets an HttpOnly SameSite=Strict cookie and answers the account and a CSRF token', async (tt) => {
  const res = await login(api, 'alice', 'correct horse');
  tt.equal(res.statusCode, 200, res.body);
  const cookie = String(res.headers['set-cookie']);
  tt.match(cookie, /^hj212_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/, 'no Secure over plain HTTP');
  const answer = body<{ user: unknown; csrfToken: string; expiresAt: string }>(res);
  tt.same(answer.user, { username: 'alice', role: 'ops', main: false });
  tt.match(answer.csrfToken, /^[A-Za-z0-9_-]{43}$/);
  tt.equal(Date.parse(answer.expiresAt), clock + IDLE);
  tt.match(answer.expiresAt, /\+08:00$/, 'shown in the platform zone like every time');
  const session = { secret: sessionCookieSet(res) ?? '', csrf: answer.csrfToken, res };
  const me = await asSession(api, session, { url: '/auth/me' });
  tt.equal(me.statusCode, 200);
  tt.same(body(me), answer, 'a reloaded page recovers the same CSRF token');
  tt.match(body(await asSession(api, session, { url: '/me' })), { id: 'user:alice', name: 'alice', role: 'ops', main: false }, 'the principal has the token shape');
  const keys = await api.redis.keys(`${api.prefix}web-session:*`);
  tt.ok(keys.length > 0 && keys.every((k) => !k.includes(session.secret)), 'only the hash of the cookie is stored');
});

t.test('a wrong password and an unknown user get the same 401', async (tt) => {
  const wrong = await login(api, 'alice', 'wrong horse', '10.9.1.1');
  const unknown = await login(api, 'nobody', 'wrong horse', '10.9.1.2');
  for (const res of [wrong, unknown]) {
    tt.equal(res.statusCode, 401);
    tt.equal(res.headers['set-cookie'], undefined, 'no cookie');
  }
  tt.same(body(wrong), body(unknown), 'the same problem document');
  tt.match(body(wrong), { code: 'APP_ERR_UNAUTHENTICATED', detail: 'wrong user name or password' });
  const long = await login(api, 'alice', 'x'.repeat(257));
  tt.equal(long.statusCode, 400, 'an oversized password is refused before hashing');
});

t.test('cookie-authenticated writes need the CSRF token; reads and bearer calls do not', async (tt) => {
  const s = await signIn(api, 'alice', 'correct horse');
  const create = { method: 'POST' as const, url: '/enterprises', payload: { name: 'Cookie Co' } };
  const missing = await asSession(api, s, create, false);
  tt.equal(missing.statusCode, 403);
  tt.equal(body(missing).code, 'APP_ERR_CSRF');
  const wrong = await asSession(api, s, create, 'A'.repeat(43));
  tt.equal(body(wrong).code, 'APP_ERR_CSRF');
  tt.equal((await asSession(api, s, { url: '/enterprises' }, false)).statusCode, 200, 'a GET needs no CSRF token');
  const made = await asSession(api, s, create);
  tt.equal(made.statusCode, 201, made.body);
  const trail = body<{ entries: Array<{ actor: { tokenId: string; name: string; role: string } }> }>(
    await api.call(api.token.regulator, { url: `/audit/enterprise/${body<{ id: string }>(made).id}` }),
  );
  tt.match(trail.entries[0]?.actor, { tokenId: 'user:alice', name: 'alice', role: 'ops' }, 'audited as the account');
  tt.equal((await api.call(api.token.ops, create)).statusCode, 201, 'bearer calls need no CSRF token');
});

t.test('role checks apply to cookies exactly as to tokens', async (tt) => {
  const reader = await signIn(api, 'rita', 'correct horse');
  tt.equal((await asSession(api, reader, { url: '/status' })).statusCode, 200, 'readers read status');
  const refused = await asSession(api, reader, { url: '/collectors' });
  tt.equal(refused.statusCode, 403);
  tt.equal(body(refused).code, 'APP_ERR_FORBIDDEN');
  tt.equal((await asSession(api, reader, { method: 'POST', url: '/enterprises', payload: { name: 'x' } })).statusCode, 403, 'nor write');
  const ops = await signIn(api, 'alice', 'correct horse');
  tt.equal((await asSession(api, ops, { url: '/collectors' })).statusCode, 200);
  tt.equal((await asSession(api, ops, { url: '/tokens' })).statusCode, 403, 'ops manage no tokens');
  const both = await api.app.inject({ url: '/status', headers: { cookie: `hj212_session=${ops.secret}`, authorization: 'Bearer hj212_revoked' }, remoteAddress: '10.9.2.2' });
  tt.equal(both.statusCode, 401, 'a bearer header wins over the cookie');
  const bogus = await api.app.inject({ url: '/status', headers: { cookie: 'hj212_session=not-a-session' }, remoteAddress: '10.9.2.1' });
  tt.equal(bogus.statusCode, 401);
  tt.match(body(bogus), { code: 'APP_ERR_UNAUTHENTICATED' });
});

t.test('signing out ends the session and clears the cookie', async (tt) => {
  const s = await signIn(api, 'alice', 'correct horse');
  tt.equal((await asSession(api, s, { method: 'POST', url: '/auth/logout' }, false)).statusCode, 403, 'sign-out needs the CSRF token too');
  const out = await asSession(api, s, { method: 'POST', url: '/auth/logout' });
  tt.equal(out.statusCode, 204);
  tt.match(String(out.headers['set-cookie']), /^hj212_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/);
  tt.equal((await asSession(api, s, { url: '/auth/me' }, false)).statusCode, 401);
});

t.test('sessions end after the idle time, and after the absolute time however busy', async (tt) => {
  const idle = await signIn(api, 'alice', 'correct horse');
  clock += IDLE - 1000;
  tt.equal((await asSession(api, idle, { url: '/auth/me' })).statusCode, 200, 'used just before the idle expiry');
  clock += IDLE - 1000;
  tt.equal((await asSession(api, idle, { url: '/auth/me' })).statusCode, 200, 'each use renews the idle expiry');
  clock += IDLE;
  tt.equal((await asSession(api, idle, { url: '/auth/me' })).statusCode, 401, 'idle too long');

  const busy = await signIn(api, 'alice', 'correct horse');
  const start = clock;
  while (clock + IDLE / 2 < start + MAX) {
    clock += IDLE / 2;
    tt.equal((await asSession(api, busy, { url: '/status' })).statusCode, 200);
  }
  const me = body<{ expiresAt: string }>(await asSession(api, busy, { url: '/auth/me' }));
  tt.equal(Date.parse(me.expiresAt), start + MAX, 'the absolute expiry caps the idle one');
  clock = start + MAX;
  tt.equal((await asSession(api, busy, { url: '/status' })).statusCode, 401, 'absolute expiry');
});

t.test('changing the password ends the other sessions and keeps this one', async (tt) => {
  await makeUser(api, { username: 'paul', role: 'regulator' });
  const here = await signIn(api, 'paul', 'correct horse', '10.9.3.1');
  const there = await signIn(api, 'paul', 'correct horse', '10.9.3.2');
  const wrong = await asSession(api, here, { method: 'POST', url: '/auth/password', payload: { currentPassword: 'nope nope', newPassword: 'battery staple' } });
  tt.equal(wrong.statusCode, 403);
  tt.equal(body(wrong).code, 'APP_ERR_WRONG_PASSWORD');
  const short = await asSession(api, here, { method: 'POST', url: '/auth/password', payload: { currentPassword: 'correct horse', newPassword: 'short' } });
  tt.equal(short.statusCode, 400);
  tt.match(body(short), { code: 'APP_ERR_VALIDATION', errors: [{ path: '/newPassword' }] });
  const changed = await asSession(api, here, { method: 'POST', url: '/auth/password', payload: { currentPassword: 'correct horse', newPassword: 'battery staple' } });
  tt.equal(changed.statusCode, 204, changed.body);
  tt.equal((await asSession(api, here, { url: '/auth/me' })).statusCode, 200, 'this session goes on');
  tt.equal((await asSession(api, there, { url: '/auth/me' })).statusCode, 401, 'the other one ended');
  tt.equal((await login(api, 'paul', 'correct horse', '10.9.3.3')).statusCode, 401, 'the old password is gone');
  tt.equal((await login(api, 'paul', 'battery staple', '10.9.3.3')).statusCode, 200);
  const bearer = await api.call(api.token.admin, { method: 'POST', url: '/auth/password', payload: { currentPassword: 'x', newPassword: 'yyyyyyyy' } });
  tt.equal(bearer.statusCode, 403, 'bearer callers have no account password');
  const trail = body<{ entries: Array<{ action: string; after: Record<string, unknown> }> }>(await api.call(api.token.admin, { url: '/audit/user/paul' }));
  tt.equal(trail.entries[0]?.action, 'password');
  tt.notMatch(JSON.stringify(trail), /scrypt|battery|horse/, 'no password or hash in the audit trail');
});

t.test('a flood of sign-ins keeps at most HJ212_SESSIONS_PER_USER sessions: the oldest end', async (tt) => {
  await makeUser(api, { username: 'flood', role: 'reader' });
  const sessions = [];
  for (let i = 0; i < 12; i++) sessions.push(await signIn(api, 'flood', 'correct horse'));
  const alive = [];
  for (const s of sessions) alive.push((await asSession(api, s, { url: '/auth/me' })).statusCode === 200);
  tt.same(alive, [...Array(9).fill(false), true, true, true], 'the newest three live');
  tt.equal(await api.redis.zcard(`${api.prefix}web-sessions:flood`), 3, 'the per-user index is capped too');
});

t.test('HJ212_COOKIE_SECURE=true marks the cookie Secure (TLS ends at a proxy)', async (tt) => {
  const secure = await buildTestApi({ accounts: { cookieSecure: true } });
  tt.teardown(() => secure.close());
  await makeUser(secure, { username: 'alice', role: 'ops' });
  const res = await login(secure, 'alice', 'correct horse');
  tt.equal(res.statusCode, 200);
  tt.match(String(res.headers['set-cookie']), /^hj212_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
  const s = { secret: sessionCookieSet(res) ?? '', csrf: body<{ csrfToken: string }>(res).csrfToken, res };
  tt.match(String((await asSession(secure, s, { method: 'POST', url: '/auth/logout' })).headers['set-cookie']), /Max-Age=0.*; Secure$/);
});

t.test('every documented route accepts the session cookie; every cookie write without the CSRF token is refused', async (tt) => {
  await makeUser(api, { username: 'root', role: 'admin' });
  const admin = await signIn(api, 'root', 'correct horse', '10.9.4.1');
  const doc = body<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>(await api.app.inject({ url: '/docs/json' }));
  let reads = 0;
  let writes = 0;
  for (const [path, ops] of Object.entries(doc.paths)) {
    const url = path.replace('/audit/{type}/{id}', '/audit/site/x').replace(/\{[^}]+\}/g, 'x');
    for (const [method, op] of Object.entries(ops)) {
      if (!op.security || op.security.length === 0 || url === '/auth/logout') continue;
      const request = { method: method.toUpperCase() as 'GET', url, payload: method === 'get' ? undefined : {}, remoteAddress: '10.9.4.1' };
      if (method === 'get') {
        const res = await asSession(api, admin, request);
        tt.ok(res.statusCode !== 401 && res.statusCode !== 403, `GET ${url} with the admin's cookie: ${res.statusCode}`);
        reads++;
      } else {
        const res = await asSession(api, admin, request, false);
        tt.equal(body(res).code, 'APP_ERR_CSRF', `${method.toUpperCase()} ${url} without X-CSRF-Token`);
        writes++;
      }
    }
  }
  tt.ok(reads > 20 && writes > 15, `${reads} reads, ${writes} writes`);
  tt.equal((await asSession(api, admin, { url: '/auth/me' })).statusCode, 200, 'the session survived it all');
});
