/** The screen table: hash matching with parameters and query, role filtering, landing page per role. */
import t from 'tap';
import { hrefOf, homeOf, matchRoute, ROUTES, routesFor } from '../src/routes.js';

t.test('hash routes match with decoded parameters and the query', async (tt) => {
  const m = matchRoute('#/collectors/33010000000001?tab=frames');
  tt.equal(m?.route.name, 'collector');
  tt.same(m?.params, { mn: '33010000000001' });
  tt.same(m?.query, { tab: 'frames' });
  tt.equal(matchRoute('#/collectors')?.route.name, 'collectors');
  tt.equal(matchRoute('#/collectors/')?.route.name, 'collectors', 'trailing slash');
  tt.equal(matchRoute('/frames?mn=A%20B')?.query.mn, 'A B');
  tt.same(matchRoute(hrefOf('/collectors/:mn', { mn: 'a/b c' }))?.params, { mn: 'a/b c' }, 'hrefOf and matchRoute round-trip');
  tt.equal(matchRoute('#/collectors/%E0%A4%A'), undefined, 'bad escape does not match');
  tt.equal(matchRoute('#/nope'), undefined);
  tt.equal(matchRoute('#/collectors/x/y'), undefined);
});

t.test('each screen appears once, with a title and roles', async (tt) => {
  const names = ROUTES.map((r) => r.name);
  tt.equal(new Set(names).size, names.length);
  const paths = ROUTES.map((r) => r.path);
  tt.equal(new Set(paths).size, paths.length);
  for (const r of ROUTES) tt.ok(r.roles.length > 0 && r.titleKey.startsWith('nav.'), r.name);
});

t.test('navigation is filtered by role', async (tt) => {
  const reader = routesFor('reader').map((r) => r.name);
  tt.notOk(reader.includes('pending'), 'a reader does not see pending devices');
  tt.notOk(reader.includes('collectors'), 'GET /collectors does not accept readers');
  tt.ok(reader.includes('ledger'));
  const admin = routesFor('admin').map((r) => r.name);
  tt.same(admin, ROUTES.map((r) => r.name), 'admin sees everything');
  tt.ok(routesFor('enterprise').some((r) => r.name === 'accounts'));
  tt.notOk(routesFor('ops').some((r) => r.name === 'accounts'));
  tt.equal(homeOf('admin'), '#/collectors');
  tt.equal(homeOf('reader'), '#/gaps');
  tt.equal(hrefOf('/frames', {}, { mn: 'X', cn: undefined }), '#/frames?mn=X');
});
