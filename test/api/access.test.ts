/**
 * Role boundaries for every route of the OpenAPI document, and enterprise scoping on every read: a token whose role
 * a route does not list gets 403 (readers and regulators cannot write), a listed role passes the role check; an
 * enterprise token never sees another enterprise's records, status or readings: they answer 404 like unknown ones.
 */
import t from 'tap';
import { ROLES, type Role } from '../../src/domain/catalog.js';
import { body, buildTestApi } from './helper.js';

const api = await buildTestApi();
t.teardown(() => api.close());
const ops = api.token.ops;

async function created(url: string, payload: Record<string, unknown>): Promise<{ id: string }> {
  const res = await api.call(ops, { method: 'POST', url, payload });
  if (res.statusCode !== 201) throw new Error(`${url}: ${res.body}`);
  return body<{ id: string }>(res);
}
const MINE = '010000A8900016F000169DC0';
const THEIRS = '010000A8900016F000169DC1';
const acme = await created('/enterprises', { name: 'ACME' });
const other = await created('/enterprises', { name: 'Other' });
const site = await created('/sites', { enterpriseId: acme.id, name: 'Plant' });
const point = await created(`/sites/${site.id}/points`, { name: 'Stack' });
const item = await created(`/points/${point.id}/items`, { factor: 'w01018', mode: 'manual' });
const theirSite = await created('/sites', { enterpriseId: other.id, name: 'Mill' });
const theirPoint = await created(`/sites/${theirSite.id}/points`, { name: 'Outfall' });
const theirItem = await created(`/points/${theirPoint.id}/items`, { factor: 'w01018', mode: 'manual' });
await created('/collectors', { mn: MINE, password: 'x1y2z3', pointId: point.id });
await created('/collectors', { mn: THEIRS, password: 'x1y2z3', pointId: theirPoint.id });
const acmeMain = await api.enterpriseToken(acme.id);
const secrets: Record<Role, string> = { ...api.token, enterprise: acmeMain.secret };

/** A concrete URL for a documented path, with ACME's records in the parameters. */
function concrete(path: string): string {
  const byCollection: Record<string, string> = { enterprises: acme.id, sites: site.id, points: point.id, items: item.id, tokens: 'no-such-token' };
  return path
    .replace('/audit/{type}/{id}', `/audit/site/${site.id}`)
    .replace(/\/(\w+)\/\{id\}/g, (_, collection: string) => `/${collection}/${byCollection[collection] ?? 'x'}`)
    .replace(/\{mn\}/g, MINE)
    .replace(/\{[^}]+\}/g, 'x');
}

t.test('every route: roles it does not list get 403, roles it lists pass the role check', async (tt) => {
  const doc = body<{ paths: Record<string, Record<string, { description?: string }>> }>(await api.call(undefined, { url: '/docs/json' }));
  let denied = 0;
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const listed = /Roles: ([a-z, ]+)\./.exec(operation.description ?? '')?.[1]?.split(', ');
      if (!listed) continue;
      for (const role of ROLES) {
        const res = await api.call(secrets[role], { method: method.toUpperCase() as 'GET', url: concrete(path), payload: method === 'get' ? undefined : {} });
        const label = `${role} ${method.toUpperCase()} ${path}`;
        const roleDenied = res.statusCode === 403 && /may not call this route/.test(String(body(res).detail));
        if (listed.includes(role)) {
          tt.notOk(roleDenied || res.statusCode === 401, `${label}: allowed (${res.statusCode})`);
        } else {
          tt.ok(roleDenied, `${label}: 403 (${res.statusCode})`);
          denied++;
        }
      }
    }
  }
  tt.ok(denied > 40, `${denied} role denials checked`);
});

t.test('readers and regulators cannot call any writing route', async (tt) => {
  const doc = body<{ paths: Record<string, Record<string, unknown>> }>(await api.call(undefined, { url: '/docs/json' }));
  // Signing in, out and changing one's own password are every account's own business (docs/api.md "Accounts and sessions").
  const writes = Object.entries(doc.paths)
    .filter(([path]) => !path.startsWith('/auth/'))
    .flatMap(([path, ops]) => Object.keys(ops).filter((m) => m !== 'get').map((m) => [m.toUpperCase(), path] as const));
  tt.ok(writes.length >= 14, `${writes.length} writing routes`);
  for (const role of ['reader', 'regulator'] as const) {
    for (const [method, path] of writes) {
      const res = await api.call(secrets[role], { method: method as 'POST', url: concrete(path), payload: { name: 'x', enabled: false, password: 'x1y2z3' } });
      tt.equal(res.statusCode, 403, `${role} ${method} ${path}`);
    }
  }
  tt.match(body(await api.call(ops, { url: `/enterprises/${acme.id}` })), { name: 'ACME', enabled: true }, 'nothing changed');
});

t.test("an enterprise token cannot read another enterprise's data through any route", async (tt) => {
  const from = encodeURIComponent('2024-05-01T00:00:00+08:00');
  const foreign = [
    `/enterprises/${other.id}`,
    `/sites/${theirSite.id}`,
    `/sites/${theirSite.id}/points`,
    `/sites?enterpriseId=${other.id}`,
    `/points/${theirPoint.id}`,
    `/points/${theirPoint.id}/items`,
    `/items/${theirItem.id}`,
    `/collectors/${THEIRS}`,
    `/collectors?enterpriseId=${other.id}`,
    `/collectors/${THEIRS}/status`,
    `/status?enterpriseId=${other.id}`,
    `/collectors/${THEIRS}/latest`,
    `/readings?mn=${THEIRS}&from=${from}`,
    `/readings?siteId=${theirSite.id}&from=${from}`,
    `/readings?pointId=${theirPoint.id}&from=${from}`,
    `/readings?mn=99999999999999&from=${from}`,
  ];
  for (const token of [acmeMain.secret, (await api.enterpriseToken(acme.id, false)).secret]) {
    for (const url of foreign) {
      // Scope rule: another enterprise's record answers exactly like an unknown one, so existence does not leak.
      const res = await api.call(token, { url });
      tt.equal(res.statusCode, 404, url);
      tt.equal(body(res).code, 'APP_ERR_NOT_FOUND', url);
      const unknown = await api.call(token, { url: url.replace(THEIRS, '010000A8900016F000169DC9').replace(theirSite.id, 'no-such-site').replace(theirPoint.id, 'no-such-point').replace(theirItem.id, 'no-such-item').replace(other.id, 'no-such-enterprise') });
      tt.equal(unknown.statusCode, 404, `unknown: ${url}`);
      tt.equal(String(body(res).detail).replace(/ \S+$/, ''), String(body(unknown).detail).replace(/ \S+$/, ''), `same detail as an unknown one: ${url}`);
    }
  }
  const own = [`/enterprises/${acme.id}`, `/sites/${site.id}`, `/points/${point.id}/items`, `/items/${item.id}`, `/collectors/${MINE}/status`, `/collectors/${MINE}/latest`, `/readings?pointId=${point.id}&from=${from}`];
  for (const url of own) tt.equal((await api.call(acmeMain.secret, { url })).statusCode, 200, `own: ${url}`);

  const lists: Array<[string, (r: Record<string, unknown>) => unknown]> = [
    ['/enterprises', (r) => r.id],
    ['/sites', (r) => r.enterpriseId],
    ['/collectors', (r) => r.enterpriseId],
    ['/status', (r) => r.enterpriseId],
  ];
  for (const [url, owner] of lists) {
    const answer = body<Array<Record<string, unknown>> | { items: Array<Record<string, unknown>> }>(await api.call(acmeMain.secret, { url }));
    const rows = Array.isArray(answer) ? answer : answer.items;
    tt.ok(rows.length > 0 && rows.every((r) => owner(r) === acme.id), `${url} lists ACME's only`);
  }
});
