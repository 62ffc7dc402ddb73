/**
 * Account management through the API (the 一企一档 account system): admins manage every account, an enterprise main
 * account the sub-accounts of its own enterprise; accounts see what their role and enterprise allow; disabling an
 * enterprise, a main account or an account stops the sessions that hang off it; every change is audited.
 */
import t from 'tap';
import { asSession, login, makeUser, signIn, type Session } from './account-helper.js';
import { body, buildTestApi } from './helper.js';

const api = await buildTestApi();
t.teardown(() => api.close());

async function enterprise(name: string): Promise<string> {
  return body<{ id: string }>(await api.call(api.token.ops, { method: 'POST', url: '/enterprises', payload: { name } })).id;
}
const acme = await enterprise('ACME');
const other = await enterprise('Other');
await makeUser(api, { username: 'root', role: 'admin' });
const admin = await signIn(api, 'root', 'correct horse');

const post = (s: Session, url: string, payload: object) => asSession(api, s, { method: 'POST', url, payload });

t.test('an admin creates accounts of each role; bad input is refused with field paths', async (tt) => {
  for (const role of ['ops', 'regulator', 'reader'] as const) {
    const res = await post(admin, '/users', { username: `new-${role}`, password: 'long enough', role });
    tt.equal(res.statusCode, 201, res.body);
    tt.match(body(res), { username: `new-${role}`, role, main: false, createdBy: 'user:root' });
    tt.notMatch(res.body, /scrypt|long enough/, 'no password or hash in the answer');
  }
  const main = await post(admin, '/users', { username: 'acme.main', password: 'long enough', role: 'enterprise', enterpriseId: acme, main: true });
  tt.equal(main.statusCode, 201);
  tt.match(body(main), { role: 'enterprise', enterpriseId: acme, main: true });
  tt.equal((await post(admin, '/users', { username: 'acme.main', password: 'long enough', role: 'reader' })).statusCode, 409, 'names are unique');
  const bad = await post(admin, '/users', { username: '-bad name', password: 'short', role: 'reader' });
  tt.equal(bad.statusCode, 400);
  tt.same(body<{ errors: Array<{ path: string }> }>(bad).errors.map((e) => e.path).sort(), ['/password', '/username']);
  tt.equal((await post(admin, '/users', { username: 'x1', password: 'long enough', role: 'enterprise' })).statusCode, 400, 'enterprise accounts need an enterprise');
  tt.equal((await post(admin, '/users', { username: 'x2', password: 'long enough', role: 'enterprise', enterpriseId: 'missing' })).statusCode, 404);
  tt.equal((await post(admin, '/users', { username: 'x3', password: 'long enough', role: 'reader', enterpriseId: acme })).statusCode, 400);
  tt.equal((await post(admin, '/users', { username: 'x4', password: 'x'.repeat(257), role: 'reader' })).statusCode, 400, 'at most 256 bytes');
  tt.equal((await post(admin, '/users', { username: 'x5', password: '密码密码密码', role: 'reader' })).statusCode, 201, 'bytes, not characters: 18 bytes');
  const listed = body<{ total: number; items: Array<{ username: string }> }>(await asSession(api, admin, { url: '/users?role=enterprise' }));
  tt.same(listed.items.map((u) => u.username), ['acme.main']);
});

t.test('an enterprise main account manages the sub-accounts of its own enterprise only', async (tt) => {
  const main = await signIn(api, 'acme.main', 'long enough');
  const created = await post(main, '/users', { username: 'acme.shift', password: 'shift pass', role: 'enterprise' });
  tt.equal(created.statusCode, 201, created.body);
  tt.match(body(created), { enterpriseId: acme, main: false, createdBy: 'user:acme.main' });
  tt.equal((await post(main, '/users', { username: 'y1', password: 'long enough', role: 'admin' })).statusCode, 403, 'no other roles');
  tt.equal((await post(main, '/users', { username: 'y2', password: 'long enough', role: 'enterprise', main: true })).statusCode, 403, 'no main accounts');
  tt.equal((await post(main, '/users', { username: 'y3', password: 'long enough', role: 'enterprise', enterpriseId: other })).statusCode, 404, 'not for another enterprise');
  const listed = body<{ items: Array<{ enterpriseId?: string }> }>(await asSession(api, main, { url: '/users' }));
  tt.ok(listed.items.length === 2 && listed.items.every((u) => u.enterpriseId === acme), 'lists its enterprise only');

  const sub = await signIn(api, 'acme.shift', 'shift pass');
  tt.equal((await asSession(api, sub, { url: '/users' })).statusCode, 403, 'sub-accounts manage nothing');
  tt.equal((await post(sub, '/users', { username: 'y4', password: 'long enough', role: 'enterprise' })).statusCode, 403);
  tt.equal((await post(main, '/users/root/disable', {})).statusCode, 404, "another enterprise's (or no enterprise's) account is not found");
  tt.equal((await post(main, '/users/acme.main/disable', {})).statusCode, 403, 'main accounts are managed by admins');

  // Enterprise scope: the sub-account sees its enterprise only, the other one is "not found".
  const enterprises = body<{ items: Array<{ id: string }> }>(await asSession(api, sub, { url: '/enterprises' }));
  tt.same(enterprises.items.map((e) => e.id), [acme]);
  tt.equal((await asSession(api, sub, { url: `/enterprises/${other}` })).statusCode, 404);
  tt.equal((await asSession(api, sub, { url: '/collectors' })).statusCode, 200);

  const reset = await post(main, '/users/acme.shift/password', { password: 'reset pass' });
  tt.equal(reset.statusCode, 200, reset.body);
  tt.equal((await asSession(api, sub, { url: '/auth/me' })).statusCode, 401, 'a reset ends the sessions');
  tt.equal((await login(api, 'acme.shift', 'reset pass')).statusCode, 200);
  const disabled = await post(main, '/users/acme.shift/disable', {});
  tt.equal(disabled.statusCode, 200);
  tt.type(body(disabled).disabledAt, 'string');
  tt.equal((await login(api, 'acme.shift', 'reset pass', '10.30.0.1')).statusCode, 401, 'a disabled account cannot sign in');
  tt.equal((await post(main, '/users/acme.shift/enable', {})).statusCode, 200);
  tt.equal((await login(api, 'acme.shift', 'reset pass', '10.30.0.1')).statusCode, 200, 'enabled again');
});

t.test('disabling a main account stops its sub-accounts; disabling the enterprise stops all its accounts', async (tt) => {
  const sub = await signIn(api, 'acme.shift', 'reset pass');
  tt.equal((await post(admin, '/users/acme.main/disable', {})).statusCode, 200);
  tt.equal((await asSession(api, sub, { url: '/auth/me' })).statusCode, 401, 'the sub-account stops with its main account');
  tt.equal((await login(api, 'acme.shift', 'reset pass', '10.31.0.1')).statusCode, 401, 'and cannot sign in');
  tt.equal((await post(admin, '/users/acme.main/enable', {})).statusCode, 200);
  const again = await signIn(api, 'acme.shift', 'reset pass', '10.31.0.2');
  const main = await signIn(api, 'acme.main', 'long enough');
  tt.equal((await asSession(api, again, { url: '/auth/me' })).statusCode, 200);

  tt.equal((await api.call(api.token.ops, { method: 'PATCH', url: `/enterprises/${acme}`, payload: { enabled: false } })).statusCode, 200);
  tt.equal((await asSession(api, again, { url: '/auth/me' })).statusCode, 401, 'the disabled enterprise stops its sub-account');
  tt.equal((await asSession(api, main, { url: '/auth/me' })).statusCode, 401, 'and its main account');
  await api.call(api.token.ops, { method: 'PATCH', url: `/enterprises/${acme}`, payload: { enabled: true } });
  tt.equal((await asSession(api, main, { url: '/auth/me' })).statusCode, 200, 'sessions live again once re-enabled (they were not ended)');
  tt.equal((await post(admin, '/users/root/disable', {})).statusCode, 403, 'an admin cannot disable itself');
});

t.test('a main token manages accounts too; ops, regulators and readers do not', async (tt) => {
  const mainToken = await api.enterpriseToken(other);
  const res = await api.call(mainToken.secret, { method: 'POST', url: '/users', payload: { username: 'other.staff', password: 'long enough', role: 'enterprise' } });
  tt.equal(res.statusCode, 201);
  tt.match(body(res), { enterpriseId: other, createdBy: mainToken.record.id });
  const staff = await signIn(api, 'other.staff', 'long enough');
  await api.call(api.token.admin, { method: 'DELETE', url: `/tokens/${mainToken.record.id}` });
  tt.equal((await asSession(api, staff, { url: '/auth/me' })).statusCode, 401, 'revoking the creating main token stops the sub-account');
  for (const role of ['ops', 'regulator', 'reader'] as const) {
    tt.equal((await api.call(api.token[role], { url: '/users' })).statusCode, 403, role);
  }
});

t.test('account changes are audited with the acting account, never a password', async (tt) => {
  const trail = body<{ entries: Array<{ action: string; actor: { tokenId: string } }> }>(await api.call(api.token.admin, { url: '/audit/user/acme.shift' }));
  tt.same(trail.entries.map((e) => e.action), ['enable', 'disable', 'password', 'create']);
  tt.ok(trail.entries.every((e) => e.actor.tokenId === 'user:acme.main'));
  tt.notMatch(JSON.stringify(trail), /scrypt|pass"/);
  const raw = JSON.stringify(await api.redis.xrange(`${api.prefix}audit`, '-', '+'));
  tt.match(raw, /acme\.shift/, 'the raw audit stream holds the account changes');
  tt.notMatch(raw, /scrypt|long enough|reset pass/, 'but no hash or password');
});
