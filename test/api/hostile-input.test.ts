/**
 * Issue 11 finding 7, API part: an MN with a control character is a 400 problem document with the field path (never
 * a 503 with a stack); revoking an enterprise main account stops its sub-accounts; disabling an enterprise stops
 * its tokens at once (the 5 s token cache of this process included).
 */
import t from 'tap';
import { body, buildTestApi } from './helper.js';

const api = await buildTestApi();
t.teardown(() => api.close());

interface Problem {
  status: number;
  code: string;
  errors?: Array<{ location: string; path: string }>;
}

t.test('an MN outside [A-Za-z0-9_-]{1,64} is a 400 with the field path', async (tt) => {
  const cases: Array<[string, string, string]> = [
    ['/readings?mn=3301060000000%0D&from=2024-03-15T00:00:00Z&to=2024-03-16T00:00:00Z', 'querystring', '/mn'],
    ['/readings?mn=AB%0AC&from=2024-03-15T00:00:00Z&to=2024-03-16T00:00:00Z', 'querystring', '/mn'],
    ['/collectors/3301060000000%0D/latest', 'params', '/mn'],
    ['/collectors/A%20B/status', 'params', '/mn'],
    [`/collectors/${'A'.repeat(65)}/latest`, 'params', '/mn'],
  ];
  for (const [url, location, path] of cases) {
    const res = await api.call(api.token.reader, { url });
    tt.equal(res.statusCode, 400, url);
    tt.match(res.headers['content-type'], /application\/problem\+json/);
    const problem = body<Problem>(res);
    tt.equal(problem.code, 'APP_ERR_VALIDATION');
    tt.ok(problem.errors?.some((e) => e.location === location && e.path === path), `${url}: ${JSON.stringify(problem.errors)}`);
    tt.notMatch(res.body, /at .*\.js:\d+/, 'no stack');
  }
  // The extended alphabet is accepted by validation (the registry decides whether such a collector exists).
  tt.equal((await api.call(api.token.reader, { url: '/collectors/legacy_MN-01/latest' })).statusCode, 200);
});

async function enterprise(name: string): Promise<string> {
  const res = await api.call(api.token.admin, { method: 'POST', url: '/enterprises', payload: { name } });
  tt_ok(res.statusCode === 201, res.body);
  return body<{ id: string }>(res).id;
}
function tt_ok(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

t.test('revoking an enterprise main account stops its sub-accounts', async (tt) => {
  const id = await enterprise('Main revoked');
  const main = await api.enterpriseToken(id, true);
  const sub = body<{ token: string; record: { id: string } }>(await api.call(main.secret, { method: 'POST', url: '/tokens', payload: { name: 'sub' } }));
  tt.equal((await api.call(sub.token, { url: '/me' })).statusCode, 200, 'the sub-account works (and is now cached)');
  tt.equal((await api.call(api.token.admin, { method: 'DELETE', url: `/tokens/${main.record.id}` })).statusCode, 200);
  tt.equal((await api.call(main.secret, { url: '/me' })).statusCode, 401, 'the main account is revoked');
  tt.equal((await api.call(sub.token, { url: '/me' })).statusCode, 401, 'its sub-account stops at once');
  const listed = body<{ items: Array<{ id: string; revokedAt?: string }> }>(await api.call(api.token.admin, { url: '/tokens?revoked=true' }));
  tt.type(listed.items.find((r) => r.id === sub.record.id)?.revokedAt, 'string', 'and is revoked in the store');
  const trail = await api.call(api.token.regulator, { url: `/audit/token/${sub.record.id}` });
  tt.match(trail.body, /"revoke"/, 'the cascade is audited');
});

t.test('a sub-account whose main account was revoked elsewhere stops working', async (tt) => {
  const id = await enterprise('Main revoked by the CLI');
  const main = await api.enterpriseToken(id, true);
  const sub = await api.deps.tokens.create({ name: 'sub', role: 'enterprise', enterpriseId: id, main: false, createdBy: main.record.id });
  tt.equal((await api.call(sub.secret, { url: '/me' })).statusCode, 200);
  // Revoked in the store directly, as `hj212 token revoke` does: this process learns it at the next verification.
  await api.deps.tokens.revoke(main.record.id);
  const other = await api.deps.tokens.create({ name: 'sub 2', role: 'enterprise', enterpriseId: id, main: false, createdBy: main.record.id });
  tt.equal((await api.call(other.secret, { url: '/me' })).statusCode, 401, 'verification checks the main account');
});

t.test('disabling an enterprise stops its tokens at once', async (tt) => {
  const id = await enterprise('Disabled');
  const main = await api.enterpriseToken(id, true);
  const sub = body<{ token: string }>(await api.call(main.secret, { method: 'POST', url: '/tokens', payload: { name: 'sub' } }));
  tt.equal((await api.call(main.secret, { url: '/me' })).statusCode, 200);
  tt.equal((await api.call(sub.token, { url: '/me' })).statusCode, 200);
  tt.equal((await api.call(api.token.admin, { method: 'PATCH', url: `/enterprises/${id}`, payload: { enabled: false } })).statusCode, 200);
  tt.equal((await api.call(main.secret, { url: '/me' })).statusCode, 401, 'the main account stops within this process at once');
  tt.equal((await api.call(sub.token, { url: '/me' })).statusCode, 401, 'and its sub-account');
  tt.equal((await api.call(api.token.admin, { method: 'PATCH', url: `/enterprises/${id}`, payload: { enabled: true } })).statusCode, 200);
  tt.equal((await api.call(main.secret, { url: '/me' })).statusCode, 200, 'enabling it again restores them');
});
