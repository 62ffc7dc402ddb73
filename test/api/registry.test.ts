/** Enterprises, sites, monitoring points and items: validation, scoping, disable-not-delete, audit before/after. */
import t from 'tap';
import { body, buildTestApi } from './helper.js';

const api = await buildTestApi();
t.teardown(() => api.close());
const ops = api.token.ops;

async function post<T = { id: string }>(url: string, payload: Record<string, unknown>, token = ops): Promise<T> {
  const res = await api.call(token, { method: 'POST', url, payload });
  if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return body<T>(res);
}

const acme = await post('/enterprises', { name: 'ACME Chemicals', creditCode: '91320500MA1MXXXX0X'.replace(/X/g, '1'), region: '320500' });
const other = await post('/enterprises', { name: 'Other Paper' });
const site = await post('/sites', { enterpriseId: acme.id, name: 'Plant 1', code: 'P1', longitude: 120.6, latitude: 31.3 });
const otherSite = await post('/sites', { enterpriseId: other.id, name: 'Mill' });
const point = await post(`/sites/${site.id}/points`, { name: 'Outfall DW001', code: 'DW001', st: '32' });
const acmeToken = await api.enterpriseToken(acme.id);
const hourly = [{ kind: 'hour', periodSeconds: 3600 }];

t.test('enterprises: create, validate, read, change', async (tt) => {
  tt.match(acme, { name: 'ACME Chemicals', region: '320500', enabled: true });
  const bad = await api.call(ops, { method: 'POST', url: '/enterprises', payload: { name: ' ', creditCode: 'lowercase' } });
  tt.equal(bad.statusCode, 400);
  tt.same(body<{ errors: Array<{ path: string }> }>(bad).errors.map((e) => e.path).sort(), ['/creditCode', '/name']);
  tt.equal((await api.call(ops, { method: 'PATCH', url: `/enterprises/${acme.id}`, payload: {} })).statusCode, 400, 'empty patch');
  const renamed = await api.call(ops, { method: 'PATCH', url: `/enterprises/${other.id}`, payload: { name: 'Other Paper Co.' } });
  tt.equal(body(renamed).name, 'Other Paper Co.');
  tt.equal((await api.call(ops, { url: '/enterprises/missing' })).statusCode, 404);
  const all = body<{ items: Array<{ id: string }> }>(await api.call(api.token.regulator, { url: '/enterprises' })).items;
  tt.same(all.map((e) => e.id), [acme.id, other.id], 'regulators see all, oldest first');
});

t.test('enterprise tokens see their own enterprise and sites only', async (tt) => {
  const own = body<{ items: Array<{ id: string }> }>(await api.call(acmeToken.secret, { url: '/enterprises' })).items;
  tt.same(own.map((e) => e.id), [acme.id]);
  tt.equal((await api.call(acmeToken.secret, { url: `/enterprises/${other.id}` })).statusCode, 404);
  tt.equal((await api.call(acmeToken.secret, { url: `/sites/${otherSite.id}` })).statusCode, 404);
  tt.equal((await api.call(acmeToken.secret, { url: `/sites?enterpriseId=${other.id}` })).statusCode, 404);
  const sites = body<{ items: Array<{ id: string }> }>(await api.call(acmeToken.secret, { url: '/sites' })).items;
  tt.same(sites.map((s) => s.id), [site.id]);
  tt.equal((await api.call(acmeToken.secret, { url: `/sites/${otherSite.id}/points` })).statusCode, 404);
  tt.equal((await api.call(acmeToken.secret, { url: `/sites/${site.id}/points` })).statusCode, 200);
});

t.test('readers, regulators and enterprises cannot write the registry', async (tt) => {
  for (const token of [api.token.reader, api.token.regulator, acmeToken.secret]) {
    tt.equal((await api.call(token, { method: 'POST', url: '/enterprises', payload: { name: 'x' } })).statusCode, 403);
    tt.equal((await api.call(token, { method: 'PATCH', url: `/sites/${site.id}`, payload: { name: 'x' } })).statusCode, 403);
    tt.equal((await api.call(token, { method: 'POST', url: `/sites/${site.id}/points`, payload: { name: 'x' } })).statusCode, 403);
  }
});

t.test('sites and points: parents must exist, fields validated', async (tt) => {
  tt.equal((await api.call(ops, { method: 'POST', url: '/sites', payload: { enterpriseId: 'missing', name: 'x' } })).statusCode, 404);
  tt.equal((await api.call(ops, { method: 'POST', url: '/sites', payload: { enterpriseId: acme.id, name: 'x', latitude: 91 } })).statusCode, 400);
  tt.equal((await api.call(ops, { method: 'POST', url: '/sites/missing/points', payload: { name: 'x' } })).statusCode, 404);
  tt.equal((await api.call(ops, { method: 'POST', url: `/sites/${site.id}/points`, payload: { name: 'x', st: '3' } })).statusCode, 400);
  tt.match(point, { siteId: site.id, enterpriseId: acme.id, st: '32', enabled: true });
  const filtered = body<{ items: Array<{ id: string }> }>(await api.call(ops, { url: `/sites?enterpriseId=${other.id}` })).items;
  tt.same(filtered.map((s) => s.id), [otherSite.id]);
});

t.test('items: factor from the factor table, limits and periods checked', async (tt) => {
  const item = await post(`/points/${point.id}/items`, { factor: 'w01018', mode: 'automatic', uploads: hourly, unit: 'mg/L', standardUpper: 50, rangeLower: 0, rangeUpper: 500, startAt: '2024-01-01T00:00:00+08:00' });
  tt.match(item, { pointId: point.id, siteId: site.id, enterpriseId: acme.id, factor: 'w01018', standardUpper: 50, enabled: true });
  const cases: Array<[Record<string, unknown>, number, string]> = [
    [{ factor: 'zz9999', mode: 'manual' }, 400, 'APP_ERR_UNKNOWN_FACTOR'],
    [{ factor: 'w01001', mode: 'automatic' }, 400, 'APP_ERR_BAD_REQUEST'],
    [{ factor: 'w01001', mode: 'automatic', uploads: [...hourly, ...hourly] }, 400, 'APP_ERR_BAD_REQUEST'],
    [{ factor: 'w01001', mode: 'manual', standardLower: 9, standardUpper: 6 }, 400, 'APP_ERR_INVALID_RANGE'],
    [{ factor: 'w01001', mode: 'manual', rangeLower: 14, rangeUpper: 0 }, 400, 'APP_ERR_INVALID_RANGE'],
    [{ factor: 'w01001', mode: 'manual', startAt: '2024-02-01T00:00:00Z', endAt: '2024-01-01T00:00:00Z' }, 400, 'APP_ERR_INVALID_RANGE'],
    [{ factor: 'w01001', mode: 'manual', startAt: '2024-02-01T00:00:00' }, 400, 'APP_ERR_VALIDATION'],
    [{ factor: 'w01001', mode: 'sometimes' }, 400, 'APP_ERR_VALIDATION'],
    [{ factor: 'w01018', mode: 'automatic', uploads: hourly, startAt: '2025-01-01T00:00:00+08:00' }, 409, 'APP_ERR_CONFLICT'],
  ];
  for (const [payload, status, code] of cases) {
    const res = await api.call(ops, { method: 'POST', url: `/points/${point.id}/items`, payload });
    tt.equal(res.statusCode, status, JSON.stringify(payload));
    tt.equal(body(res).code, code);
  }
  const ph = await post(`/points/${point.id}/items`, { factor: '001', mode: 'manual', standardLower: 6, standardUpper: 9 });
  tt.equal((ph as unknown as { factor: string }).factor, '001', 'a 2005 code is accepted and kept');
});

t.test('a new standard is a new item once the old one ends; null clears a limit', async (tt) => {
  const items = body<{ items: Array<{ id: string; factor: string }> }>(await api.call(ops, { url: `/points/${point.id}/items?q=w01018` }));
  const cod = items.items.find((i) => i.factor === 'w01018');
  const ended = await api.call(ops, { method: 'PATCH', url: `/items/${cod?.id}`, payload: { endAt: '2025-01-01T00:00:00+08:00', rangeLower: null } });
  tt.equal(ended.statusCode, 200);
  tt.notOk('rangeLower' in body(ended), 'cleared');
  const next = await api.call(ops, { method: 'POST', url: `/points/${point.id}/items`, payload: { factor: 'w01018', mode: 'automatic', uploads: hourly, standardUpper: 40, startAt: '2025-01-01T00:00:00+08:00' } });
  tt.equal(next.statusCode, 201, 'adjacent periods do not overlap');
  const reopen = await api.call(ops, { method: 'PATCH', url: `/items/${cod?.id}`, payload: { endAt: null } });
  tt.equal(reopen.statusCode, 409, 'reopening the old item would overlap the new one');
});

t.test('points and items are disabled, never deleted', async (tt) => {
  const item = await post(`/points/${point.id}/items`, { factor: 'w00000', mode: 'automatic', uploads: [{ kind: 'minute', periodSeconds: 600 }] });
  for (const url of [`/points/${point.id}`, `/items/${item.id}`]) {
    const del = await api.call(api.token.admin, { method: 'DELETE', url });
    tt.equal(del.statusCode, 404, `DELETE ${url} does not exist`);
    tt.equal(body(del).code, 'APP_ERR_ROUTE_NOT_FOUND');
  }
  const disabled = await api.call(ops, { method: 'PATCH', url: `/items/${item.id}`, payload: { enabled: false } });
  tt.equal(body(disabled).enabled, false);
  const again = await api.call(ops, { method: 'POST', url: `/points/${point.id}/items`, payload: { factor: 'w00000', mode: 'automatic', uploads: hourly } });
  tt.equal(again.statusCode, 201, 'a disabled item does not block its successor');
  tt.equal((await api.call(ops, { method: 'PATCH', url: `/points/${point.id}`, payload: { enabled: false } })).statusCode, 200);
  const stillThere = body<{ enabled: boolean }>(await api.call(acmeToken.secret, { url: `/points/${point.id}` }));
  tt.equal(stillThere.enabled, false, 'the point is still readable, disabled');
  const listed = body<{ items: Array<{ id: string; enabled: boolean }> }>(await api.call(acmeToken.secret, { url: `/points/${point.id}/items` }));
  tt.ok(listed.items.some((i) => i.id === item.id && !i.enabled), 'disabled items are still listed');
  const disabledOnly = body<{ items: Array<{ id: string }> }>(await api.call(acmeToken.secret, { url: `/points/${point.id}/items?enabled=false` }));
  tt.same(disabledOnly.items.map((i) => i.id), [item.id], 'enabled=false lists only the disabled item');
  tt.equal((await api.call(acmeToken.secret, { url: `/items/${item.id}` })).statusCode, 200);
});

t.test('every change is audited with who, when, before and after', async (tt) => {
  const patched = await api.call(ops, { method: 'PATCH', url: `/sites/${site.id}`, payload: { address: '1 River Rd' } });
  tt.equal(patched.statusCode, 200);
  const res = await api.call(api.token.regulator, { url: `/audit/site/${site.id}` });
  const { entries } = body<{ entries: Array<{ action: string; at: string; actor: Record<string, unknown>; before?: Record<string, unknown>; after: Record<string, unknown> }> }>(res);
  tt.same(entries.map((e) => e.action), ['update', 'create']);
  const [update, create] = entries;
  tt.match(update, { actor: { role: 'ops', name: 'test ops', tokenId: String }, before: { name: 'Plant 1' }, after: { name: 'Plant 1', address: '1 River Rd' } });
  tt.notOk(update?.before && 'address' in update.before, 'before is the old state');
  tt.notOk(create?.before, 'a creation has no before');
  tt.ok(Date.parse(update?.at ?? '') >= Date.parse(create?.at ?? ''), 'newest first');

  const recent = body<{ entries: Array<{ id: string; entity: { type: string } }>; nextBefore?: string }>(await api.call(api.token.admin, { url: '/audit?limit=3' }));
  tt.equal(recent.entries.length, 3);
  tt.equal(recent.entries[0]?.entity.type, 'site', 'the latest change first');
  tt.type(recent.nextBefore, 'string');
  const older = body<{ entries: Array<{ id: string }> }>(await api.call(api.token.admin, { url: `/audit?limit=3&before=${recent.nextBefore}` }));
  tt.ok(older.entries.length > 0 && older.entries.every((e) => !recent.entries.some((r) => r.id === e.id)), 'the next page holds other, older entries');

  tt.equal((await api.call(api.token.regulator, { url: '/audit/site/never-existed' })).statusCode, 404);
  tt.equal((await api.call(api.token.regulator, { url: '/audit/planet/x' })).statusCode, 400);
  tt.equal((await api.call(api.token.regulator, { url: '/audit?before=drop' })).statusCode, 400);
  tt.equal((await api.call(api.token.reader, { url: '/audit' })).statusCode, 403);
  tt.equal((await api.call(acmeToken.secret, { url: `/audit/site/${site.id}` })).statusCode, 403);
});

t.test('enterprises, sites and collectors are disabled too, never deleted', async (tt) => {
  const shortLived = await post('/enterprises', { name: 'Closed Works' });
  const closedSite = await post('/sites', { enterpriseId: shortLived.id, name: 'Old plant' });
  await post('/collectors', { mn: '01234567890123', password: 'x1y2z3', siteId: closedSite.id });
  for (const url of [`/enterprises/${shortLived.id}`, `/sites/${closedSite.id}`, '/collectors/01234567890123']) {
    const del = await api.call(api.token.admin, { method: 'DELETE', url });
    tt.equal(del.statusCode, 404, `DELETE ${url}`);
    tt.equal(body(del).code, 'APP_ERR_ROUTE_NOT_FOUND');
  }
  for (const url of [`/enterprises/${shortLived.id}`, `/sites/${closedSite.id}`, '/collectors/01234567890123']) {
    const res = await api.call(ops, { method: 'PATCH', url, payload: { enabled: false } });
    tt.equal(res.statusCode, 200, `disable ${url}`);
    tt.match(body(await api.call(api.token.regulator, { url })), { enabled: false }, `${url} still readable, disabled`);
  }
  const listed = body<{ items: Array<{ id: string; enabled: boolean }> }>(await api.call(api.token.regulator, { url: `/sites?enterpriseId=${shortLived.id}` })).items;
  tt.same(listed.map((s) => [s.id, s.enabled]), [[closedSite.id, false]], 'disabled sites are still listed');
  const trail = body<{ entries: Array<{ action: string; before: { enabled: boolean }; after: { enabled: boolean } }> }>(await api.call(ops, { url: `/audit/enterprise/${shortLived.id}` }));
  tt.match(trail.entries[0], { action: 'update', before: { enabled: true }, after: { enabled: false } });
});
