/** Token management: admins make any token, enterprise main accounts manage their own sub-accounts only. */
import t from 'tap';
import { body, buildTestApi } from './helper.js';

const api = await buildTestApi();
t.teardown(() => api.close());

async function enterprise(name: string): Promise<string> {
  const res = await api.call(api.token.ops, { method: 'POST', url: '/enterprises', payload: { name } });
  return body<{ id: string }>(res).id;
}
const acme = await enterprise('ACME');
const other = await enterprise('Other');

t.test('admin creates a token of each role; the secret works once shown and is never listed', async (tt) => {
  for (const role of ['admin', 'ops', 'regulator', 'reader'] as const) {
    const res = await api.call(api.token.admin, { method: 'POST', url: '/tokens', payload: { name: `new ${role}`, role } });
    tt.equal(res.statusCode, 201, role);
    const { token, record } = body<{ token: string; record: { id: string; role: string } }>(res);
    tt.match(token, /^hj212_[A-Za-z0-9_-]{43}$/);
    tt.equal(record.role, role);
    tt.equal(body(await api.call(token, { url: '/me' })).id, record.id);
  }
  const list = await api.call(api.token.admin, { url: '/tokens' });
  tt.equal(list.statusCode, 200);
  tt.notMatch(list.body, /hj212_|[0-9a-f]{64}/, 'neither secrets nor hashes listed');
});

t.test('admin enterprise tokens need an existing enterprise and are main accounts', async (tt) => {
  tt.equal((await api.call(api.token.admin, { method: 'POST', url: '/tokens', payload: { name: 'e', role: 'enterprise' } })).statusCode, 400);
  tt.equal((await api.call(api.token.admin, { method: 'POST', url: '/tokens', payload: { name: 'e', role: 'enterprise', enterpriseId: 'missing' } })).statusCode, 404);
  tt.equal((await api.call(api.token.admin, { method: 'POST', url: '/tokens', payload: { name: 'r', role: 'reader', enterpriseId: acme } })).statusCode, 400);
  const res = await api.call(api.token.admin, { method: 'POST', url: '/tokens', payload: { name: 'acme main', role: 'enterprise', enterpriseId: acme } });
  tt.match(body(res), { record: { role: 'enterprise', enterpriseId: acme, main: true } });
});

t.test('ops, regulators and readers cannot manage tokens', async (tt) => {
  for (const role of ['ops', 'regulator', 'reader'] as const) {
    tt.equal((await api.call(api.token[role], { method: 'POST', url: '/tokens', payload: { name: 'x', role: 'reader' } })).statusCode, 403, role);
    tt.equal((await api.call(api.token[role], { url: '/tokens' })).statusCode, 403, role);
  }
});

t.test('an enterprise main account manages sub-accounts of its own enterprise only', async (tt) => {
  const main = await api.enterpriseToken(acme);
  const otherMain = await api.enterpriseToken(other);
  const created = await api.call(main.secret, { method: 'POST', url: '/tokens', payload: { name: 'shift lead' } });
  tt.equal(created.statusCode, 201);
  const sub = body<{ token: string; record: { id: string; enterpriseId: string; main: boolean; createdBy: string } }>(created);
  tt.match(sub.record, { enterpriseId: acme, main: false, createdBy: main.record.id });

  tt.equal((await api.call(main.secret, { method: 'POST', url: '/tokens', payload: { name: 'x', role: 'admin' } })).statusCode, 403, 'no admin tokens');
  tt.equal((await api.call(main.secret, { method: 'POST', url: '/tokens', payload: { name: 'x', main: true } })).statusCode, 403, 'no main accounts');
  tt.equal((await api.call(main.secret, { method: 'POST', url: '/tokens', payload: { name: 'x', enterpriseId: other } })).statusCode, 404, 'not for another enterprise');
  tt.equal((await api.call(sub.token, { method: 'POST', url: '/tokens', payload: { name: 'x' } })).statusCode, 403, 'sub-accounts cannot create');
  tt.equal((await api.call(sub.token, { url: '/tokens' })).statusCode, 403, 'sub-accounts cannot list');

  const listed = body<{ total: number; items: Array<{ enterpriseId?: string }> }>(await api.call(main.secret, { url: '/tokens' }));
  tt.ok(listed.total >= 2 && listed.items.length === listed.total && listed.items.every((x) => x.enterpriseId === acme), 'only its enterprise');

  tt.equal((await api.call(otherMain.secret, { method: 'DELETE', url: `/tokens/${sub.record.id}` })).statusCode, 404, 'another enterprise cannot revoke');
  tt.equal((await api.call(main.secret, { method: 'DELETE', url: `/tokens/${main.record.id}` })).statusCode, 403, 'main accounts are revoked by admins');
  const revoked = await api.call(main.secret, { method: 'DELETE', url: `/tokens/${sub.record.id}` });
  tt.equal(revoked.statusCode, 200);
  tt.type(body(revoked).revokedAt, 'string');
  tt.equal((await api.call(sub.token, { url: '/me' })).statusCode, 401, 'the revoked token no longer works');
  tt.equal((await api.call(main.secret, { method: 'DELETE', url: '/tokens/nope' })).statusCode, 404);
});

t.test('token creation and revocation are audited', async (tt) => {
  const created = body<{ record: { id: string } }>(await api.call(api.token.admin, { method: 'POST', url: '/tokens', payload: { name: 'audited', role: 'reader' } }));
  await api.call(api.token.admin, { method: 'DELETE', url: `/tokens/${created.record.id}` });
  const again = await api.call(api.token.admin, { method: 'DELETE', url: `/tokens/${created.record.id}` });
  tt.equal(again.statusCode, 200, 'revoking twice is harmless');
  const trail = body<{ entries: Array<{ action: string; actor: { name: string; role: string }; after: { revokedAt?: string } }> }>(
    await api.call(api.token.regulator, { url: `/audit/token/${created.record.id}` }),
  );
  tt.same(
    trail.entries.map((e) => e.action),
    ['revoke', 'create'],
    'newest first, one revoke only',
  );
  tt.match(trail.entries[0], { actor: { name: 'test admin', role: 'admin' }, after: { revokedAt: String } });
  tt.notMatch(JSON.stringify(trail), /[0-9a-f]{64}/, 'no hash in the audit trail');
});
