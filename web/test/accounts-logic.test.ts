/** Logic of the accounts screens: who manages, create bodies by the creator's role, password rules. */
import t from 'tap';
import { creatableRoles, enterpriseNameOf, managesAccounts, passwordProblem, tokenBodyOf, userBodyOf } from '../src/screens/accounts-logic.js';

t.test('admins and enterprise main accounts manage accounts', async (tt) => {
  tt.ok(managesAccounts({ role: 'admin', main: false }));
  tt.ok(managesAccounts({ role: 'enterprise', main: true }));
  tt.notOk(managesAccounts({ role: 'enterprise', main: false }), 'a sub-account does not');
  tt.notOk(managesAccounts({ role: 'ops', main: false }));
  tt.same(creatableRoles('enterprise'), ['enterprise']);
  tt.ok(creatableRoles('admin').includes('regulator'));
});

t.test('create bodies follow what the creator may give (src/api/routes/tokens.ts, users.ts)', async (tt) => {
  const form = { name: ' ops-bot ', role: 'ops', enterpriseId: 'e1', main: true };
  tt.same(tokenBodyOf(form, 'admin'), { name: 'ops-bot', role: 'ops' }, 'enterpriseId and main only for enterprise tokens');
  tt.same(tokenBodyOf({ ...form, role: 'enterprise' }, 'admin'), { name: 'ops-bot', role: 'enterprise', enterpriseId: 'e1', main: true });
  tt.same(tokenBodyOf({ ...form, role: 'admin' }, 'enterprise'), { name: 'ops-bot', role: 'enterprise' }, 'a main account makes sub-accounts of its own enterprise');
  tt.same(userBodyOf({ ...form, name: 'li.wei', role: 'enterprise', enterpriseId: '', main: false, password: 'p4ssword!' }, 'admin'), { username: 'li.wei', password: 'p4ssword!', role: 'enterprise', main: false }, 'no enterprise chosen: the API names the field');
  tt.same(userBodyOf({ ...form, name: 'sub1', password: 'x' }, 'enterprise'), { username: 'sub1', password: 'x', role: 'enterprise' });
});

t.test('passwords: 8 to 256 UTF-8 bytes, confirmation equal', async (tt) => {
  tt.equal(passwordProblem('1234567'), 'password.short');
  tt.equal(passwordProblem('12345678'), undefined);
  tt.equal(passwordProblem('密码密码'), undefined, 'four CJK characters are 12 bytes');
  tt.equal(passwordProblem('密'.repeat(86)), 'password.long', '258 bytes');
  tt.equal(passwordProblem('12345678', '12345679'), 'password.mismatch');
  tt.equal(enterpriseNameOf([{ id: 'e1', name: '钢铁厂' }], 'e1'), '钢铁厂');
  tt.equal(enterpriseNameOf([], 'e2'), 'e2');
  tt.equal(enterpriseNameOf([], undefined), '');
});
