/** Authentication and role checks: 401 vs 403, every route guarded, failed attempts rate-limited. */
import t from 'tap';
import { body, buildTestApi } from './helper.js';

const api = await buildTestApi({ authFailures: { max: 5, timeWindowMs: 60_000 } });
t.teardown(() => api.close());

/** Every documented route with a concrete path (parameters filled in). */
async function documentedRoutes(): Promise<Array<{ method: string; url: string; secured: boolean }>> {
  const doc = body<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>(await api.call(undefined, { url: '/docs/json' }));
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      url: path.replace(/\{type\}/, 'site').replace(/\{[^}]+\}/g, 'x'),
      secured: Array.isArray(op.security) && op.security.length > 0,
    })),
  );
}

t.test('health and ready need no token', async (tt) => {
  tt.equal((await api.call(undefined, { url: '/health' })).statusCode, 200);
  tt.equal((await api.call(undefined, { url: '/ready' })).statusCode, 200);
});

t.test('every other route answers 401 problem+json without a token', async (tt) => {
  const routes = await documentedRoutes();
  tt.ok(routes.length > 25, `${routes.length} routes documented`);
  for (const [i, route] of routes.filter((r) => r.secured).entries()) {
    // One client address per call: these are failed authentications, which are rate-limited per address.
    const res = await api.app.inject({ method: route.method as 'GET', url: route.url, payload: route.method === 'GET' ? undefined : {}, remoteAddress: `10.1.0.${i}` });
    tt.equal(res.statusCode, 401, `${route.method} ${route.url}`);
    tt.match(res.headers['content-type'], /^application\/problem\+json/);
    tt.equal(body(res).code, 'APP_ERR_UNAUTHENTICATED');
  }
  tt.same(
    routes.filter((r) => !r.secured).map((r) => `${r.method} ${r.url}`),
    ['GET /health', 'GET /ready', 'POST /auth/login'],
    'only health, ready and sign-in are documented without security',
  );
});

t.test('a malformed, unknown or revoked token is 401; a known one of the wrong role is 403', async (tt) => {
  for (const [i, authorization] of ['Basic abc', 'Bearer', 'Bearer hj212_nope', `Bearer ${api.token.ops}x`].entries()) {
    const res = await api.app.inject({ url: '/me', headers: { authorization }, remoteAddress: `10.2.0.${i}` });
    tt.equal(res.statusCode, 401, authorization);
  }
  const { record, secret } = await api.deps.tokens.create({ name: 'short-lived', role: 'ops', main: false, createdBy: 'test' });
  tt.equal((await api.call(secret, { url: '/me' })).statusCode, 200);
  // Revoked through the API, it stops working at once (an out-of-band revocation waits out the token cache, see
  // test/api/token-cache.test.ts).
  tt.equal((await api.call(api.token.admin, { method: 'DELETE', url: `/tokens/${record.id}` })).statusCode, 200);
  const revoked = await api.call(secret, { url: '/me' });
  tt.equal(revoked.statusCode, 401);
  tt.match(body(revoked), { code: 'APP_ERR_UNAUTHENTICATED', detail: 'unknown or revoked token' });

  const forbidden = await api.call(api.token.reader, { url: '/enterprises' });
  tt.equal(forbidden.statusCode, 403);
  tt.match(body(forbidden), { code: 'APP_ERR_FORBIDDEN', status: 403, type: 'urn:hj212:error:APP_ERR_FORBIDDEN' });
});

t.test('/me shows the token without its hash', async (tt) => {
  const res = await api.call(api.token.regulator, { url: '/me' });
  tt.match(body(res), { role: 'regulator', name: 'test regulator', main: false });
  tt.notMatch(res.body, /[0-9a-f]{64}/, 'no hash');
});

t.test('unknown routes are 404 problems whoever asks', async (tt) => {
  const res = await api.call(undefined, { url: '/nope' });
  tt.equal(res.statusCode, 404);
  tt.equal(body(res).code, 'APP_ERR_ROUTE_NOT_FOUND');
});

t.test('failed authentications are rate-limited per client; 429 even with a good token afterwards', async (tt) => {
  const from = { remoteAddress: '10.9.8.7' };
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await api.app.inject({ url: '/me', ...from, headers: { authorization: 'Bearer hj212_guess' } })).statusCode);
  tt.same(statuses, [401, 401, 401, 401, 401, 429, 429], 'five failures allowed, then refused');
  const blocked = await api.app.inject({ url: '/me', ...from, headers: { authorization: `Bearer ${api.token.admin}` } });
  tt.equal(blocked.statusCode, 429);
  tt.equal(body(blocked).code, 'APP_ERR_RATE_LIMITED');
  const other = await api.app.inject({ url: '/me', remoteAddress: '10.9.8.6', headers: { authorization: `Bearer ${api.token.admin}` } });
  tt.equal(other.statusCode, 200, 'another client is unaffected');
});
