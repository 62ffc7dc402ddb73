/**
 * An enterprise main account cannot make the platform store without bound (SECURITY.md "API"): the accounts and the
 * API tokens it creates for its enterprise stop at HJ212_ENTERPRISE_ACCOUNTS_MAX each (409 with the setting named);
 * revoked and disabled ones count, since records are kept; another enterprise and an admin are not affected.
 */
import t from 'tap';
import { asSession, makeUser, signIn } from './account-helper.js';
import { body, buildTestApi } from './helper.js';

const MAX = 4;
const api = await buildTestApi({ accounts: { enterpriseAccountsMax: MAX } });
t.teardown(() => api.close());

async function enterprise(name: string): Promise<string> {
  return body<{ id: string }>(await api.call(api.token.ops, { method: 'POST', url: '/enterprises', payload: { name } })).id;
}
const acme = await enterprise('ACME');
const other = await enterprise('Other');

t.test('accounts: an enterprise main account floods POST /users and stops at the cap', async (tt) => {
  await makeUser(api, { username: 'acme.main', role: 'enterprise', enterpriseId: acme, main: true });
  const main = await signIn(api, 'acme.main', 'correct horse');
  const codes: number[] = [];
  for (let i = 0; i < MAX + 5; i++) {
    const res = await asSession(api, main, { method: 'POST', url: '/users', payload: { username: `acme.sub${i}`, password: 'long enough', role: 'enterprise' } });
    codes.push(res.statusCode);
    if (res.statusCode === 409) tt.match(body<{ code: string; detail: string }>(res), { code: 'APP_ERR_CONFLICT', detail: /HJ212_ENTERPRISE_ACCOUNTS_MAX=4/ });
  }
  // The main account itself is one of the enterprise's accounts.
  tt.same(codes, [...Array<number>(MAX - 1).fill(201), ...Array<number>(6).fill(409)], 'created up to the cap, refused after');
  const listed = body<{ total: number }>(await asSession(api, main, { url: '/users' }));
  tt.equal(listed.total, MAX, 'the enterprise holds exactly the cap');
  // A disabled account still counts: disabling does not make room.
  tt.equal((await asSession(api, main, { method: 'POST', url: '/users/acme.sub0/disable', payload: {} })).statusCode, 200);
  tt.equal((await asSession(api, main, { method: 'POST', url: '/users', payload: { username: 'acme.again', password: 'long enough', role: 'enterprise' } })).statusCode, 409);

  await makeUser(api, { username: 'other.main', role: 'enterprise', enterpriseId: other, main: true });
  const otherMain = await signIn(api, 'other.main', 'correct horse');
  tt.equal((await asSession(api, otherMain, { method: 'POST', url: '/users', payload: { username: 'other.sub', password: 'long enough', role: 'enterprise' } })).statusCode, 201, 'another enterprise is not affected');
  await makeUser(api, { username: 'root', role: 'admin' });
  const admin = await signIn(api, 'root', 'correct horse');
  tt.equal((await asSession(api, admin, { method: 'POST', url: '/users', payload: { username: 'acme.by-admin', password: 'long enough', role: 'enterprise', enterpriseId: acme } })).statusCode, 201, 'an admin is not bound');
});

t.test('tokens: an enterprise main token floods POST /tokens and stops at the cap', async (tt) => {
  const made = await api.call(api.token.admin, { method: 'POST', url: '/tokens', payload: { name: 'acme main', role: 'enterprise', enterpriseId: acme } });
  tt.equal(made.statusCode, 201);
  const mainToken = body<{ token: string }>(made).token;
  const codes: number[] = [];
  for (let i = 0; i < MAX + 5; i++) codes.push((await api.call(mainToken, { method: 'POST', url: '/tokens', payload: { name: `sub ${i}`, role: 'enterprise' } })).statusCode);
  // The main token (made by the admin) is one of the enterprise's tokens.
  tt.same(codes, [...Array<number>(MAX - 1).fill(201), ...Array<number>(6).fill(409)], 'created up to the cap, refused after');
  tt.equal((await api.call(api.token.admin, { method: 'POST', url: '/tokens', payload: { name: 'by admin', role: 'enterprise', enterpriseId: acme } })).statusCode, 201, 'an admin is not bound');
});
