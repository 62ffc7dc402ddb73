/**
 * Registry listings through the API: /collectors, /status, /pending-devices, /enterprises, /sites, points of a
 * site, items of a point and /tokens paginated (limit, opaque cursor, documented default and maximum, the maximum
 * set by HJ212_API_PAGE_MAX) and filterable (enterprise, site, point, enabled, online, role, revoked, q); and the
 * registry's decoded-device cache behind them, kept fresh by the registry's pub/sub change events.
 */
import { Redis } from 'ioredis';
import t from 'tap';
import { buildApi } from '../../src/api/build-api.js';
import { newDevice } from '../../src/domain/device-defaults.js';
import { createRedisRegistry } from '../../src/storage/redis/registry.js';
import { redisUrl } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';
import { body, buildTestApi } from './helper.js';

const api = await buildTestApi();
t.teardown(() => api.close());
const { ops, regulator } = api.token;

const created = (url: string, payload: Record<string, unknown>) => api.create(url, payload);
const acme = await created('/enterprises', { name: 'ACME' });
const site = await created('/sites', { enterpriseId: acme.id, name: 'Plant' });
const mn = (i: number): string => `LIST${String(i).padStart(20, '0')}`;
for (let i = 0; i < 25; i++) await created('/collectors', { mn: mn(i), password: 'x1y2z3', ...(i % 5 === 0 ? { siteId: site.id } : {}) });
await api.call(ops, { method: 'PATCH', url: `/collectors/${mn(3)}`, payload: { enabled: false } });
type Page = { total: number; limit: number; items: Array<{ mn: string; enabled: boolean }>; nextCursor?: string };
type Named = { total: number; items: Array<{ id: string; name: string; createdAt: string }>; nextCursor?: string };
/** Catalog listings are oldest first; records made in the same millisecond by id. */
const inCreationOrder = <T extends { id: string; createdAt: string }>(xs: readonly T[]): T[] =>
  [...xs].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

t.test('/collectors pages by MN with an opaque cursor: no repeats, no gaps, total over all pages', async (tt) => {
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = body<Page>(await api.call(regulator, { url: `/collectors?limit=10${cursor ? `&cursor=${cursor}` : ''}` }));
    tt.equal(page.total, 25);
    seen.push(...page.items.map((d) => d.mn));
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  tt.equal(pages, 3);
  tt.same(seen, Array.from({ length: 25 }, (_, i) => mn(i)));
  const all = body<Page>(await api.call(regulator, { url: '/collectors' }));
  tt.same([all.limit, all.items.length, all.nextCursor], [100, 25, undefined], 'default limit 100');
  tt.match(body(await api.call(regulator, { url: '/collectors?limit=1001' })), { code: 'APP_ERR_VALIDATION', errors: [{ path: '/limit' }] }, 'at most 1000');
  tt.match(body(await api.call(regulator, { url: '/collectors?cursor=garbage' })), { code: 'APP_ERR_INVALID_CURSOR' });
});

t.test('/collectors filters: site, enabled, q', async (tt) => {
  const bySite = body<Page>(await api.call(regulator, { url: `/collectors?siteId=${site.id}` }));
  tt.same(bySite.items.map((d) => d.mn), [0, 5, 10, 15, 20].map(mn));
  const disabled = body<Page>(await api.call(regulator, { url: '/collectors?enabled=false' }));
  tt.same(disabled.items.map((d) => d.mn), [mn(3)]);
  tt.equal(body<Page>(await api.call(regulator, { url: '/collectors?enabled=true' })).total, 24);
  const q = body<Page>(await api.call(regulator, { url: `/collectors?q=${mn(1).slice(0, -2).toLowerCase()}1` }));
  tt.same(q.items.map((d) => d.mn), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map(mn), 'case-insensitive substring of the MN');
  const both = body<Page>(await api.call(regulator, { url: `/collectors?q=${mn(0).slice(4, -1)}&siteId=${site.id}&limit=1` }));
  tt.same([both.total, both.items.map((d) => d.mn), typeof both.nextCursor], [2, [mn(0)], 'string'], 'q and site together, paged');
});

t.test('/status and /pending-devices page and filter the same way', async (tt) => {
  const status = body<Page>(await api.call(regulator, { url: `/status?enterpriseId=${acme.id}&online=false&limit=2` }));
  tt.same([status.total, status.items.map((s) => s.mn)], [5, [mn(0), mn(5)]]);
  const next = body<Page>(await api.call(regulator, { url: `/status?enterpriseId=${acme.id}&online=false&limit=2&cursor=${status.nextCursor}` }));
  tt.same(next.items.map((s) => s.mn), [mn(10), mn(15)]);
  tt.equal(body<Page>(await api.call(regulator, { url: '/status?enabled=false' })).total, 1);
  for (let i = 0; i < 5; i++) await api.deps.registry.recordPending({ mn: `PEND${i}0000000000000000000`, sourceIp: '127.0.0.1', sampleFrame: '##', at: new Date(Date.UTC(2024, 4, 1, i)) });
  const p1 = body<Page>(await api.call(ops, { url: '/pending-devices?limit=3' }));
  const p2 = body<Page>(await api.call(ops, { url: `/pending-devices?limit=3&cursor=${p1.nextCursor}` }));
  tt.same([...p1.items, ...p2.items].map((p) => p.mn[4]), ['4', '3', '2', '1', '0'], 'most recently seen first, across pages');
  tt.equal(p2.nextCursor, undefined);
  tt.same(body<Page>(await api.call(ops, { url: '/pending-devices?q=pend2' })).items.map((p) => p.mn), ['PEND20000000000000000000']);
});

t.test("the API registry's listing decodes from a cache the registry's change events keep fresh", async (tt) => {
  const redis = new Redis(redisUrl());
  const cached = createRedisRegistry({ redis, prefix: api.prefix });
  const writer = createRedisRegistry({ redis: redisUrl(), prefix: api.prefix, cache: false });
  tt.teardown(async () => {
    await cached.close();
    await writer.close();
    await redis.quit();
  });
  await waitFor(async () => (await cached.list()).length === 25, 'first listing');
  const first = await cached.list();
  tt.equal((await cached.list())[0], first[0], 'an unchanged device is served from the cache (same decoded object)');
  // A change made by another process reaches this one over pub/sub.
  await writer.put({ ...newDevice({ mn: mn(7), password: 'x1y2z3' }), enabled: false });
  await waitFor(async () => (await cached.list()).find((d) => d.mn === mn(7))?.enabled === false, 'the changed device is re-read');
  await writer.put(newDevice({ mn: mn(99), password: 'x1y2z3' }));
  await waitFor(async () => (await cached.list()).some((d) => d.mn === mn(99)), 'a new device is listed');
  const after = await cached.list();
  tt.equal(after.find((d) => d.mn === mn(1)), first.find((d) => d.mn === mn(1)), 'the others stay cached');
});

t.test('/enterprises and /sites page oldest first and filter by name (q) and enabled', async (tt) => {
  for (let i = 0; i < 4; i++) await created('/enterprises', { name: `化工 ${i}` });
  const first = body<Named>(await api.call(regulator, { url: '/enterprises?limit=3' }));
  const second = body<Named>(await api.call(regulator, { url: `/enterprises?limit=3&cursor=${first.nextCursor}` }));
  const whole = body<Named>(await api.call(regulator, { url: '/enterprises' }));
  tt.same([...first.items, ...second.items].map((e) => e.name), whole.items.map((e) => e.name), 'two pages make the whole list');
  tt.same(whole.items.map((e) => e.name).sort(), ['ACME', '化工 0', '化工 1', '化工 2', '化工 3']);
  tt.equal(whole.items[0]?.name, 'ACME', 'oldest first (same-millisecond records by id)');
  tt.equal(second.nextCursor, undefined);
  const q = body<Named>(await api.call(regulator, { url: `/enterprises?q=${encodeURIComponent('化工')}` }));
  tt.equal(q.total, 4);
  const sites = body<Named>(await api.call(regulator, { url: `/sites?enterpriseId=${acme.id}&q=plant&enabled=true` }));
  tt.same(sites.items.map((s) => s.name), ['Plant']);
});

t.test('points of a site and items of a point page oldest first and filter by enabled and q', async (tt) => {
  const point = await created(`/sites/${site.id}/points`, { name: 'Outfall 1' });
  for (let i = 2; i <= 4; i++) await created(`/sites/${site.id}/points`, { name: `Outfall ${i}` });
  const stack = await created(`/sites/${site.id}/points`, { name: 'Stack' });
  await api.call(ops, { method: 'PATCH', url: `/points/${stack.id}`, payload: { enabled: false } });
  const first = body<Named>(await api.call(regulator, { url: `/sites/${site.id}/points?limit=2` }));
  const rest = body<Named>(await api.call(regulator, { url: `/sites/${site.id}/points?limit=10&cursor=${first.nextCursor}` }));
  const both = [...first.items, ...rest.items];
  tt.same([first.total, both.map((p) => p.name).sort()], [5, ['Outfall 1', 'Outfall 2', 'Outfall 3', 'Outfall 4', 'Stack']], 'every point over two pages');
  tt.same(both, inCreationOrder(both), 'oldest first');
  tt.equal(rest.nextCursor, undefined);
  tt.same(body<Named>(await api.call(regulator, { url: `/sites/${site.id}/points?enabled=false` })).items.map((p) => p.name), ['Stack']);
  tt.same(body<Named>(await api.call(regulator, { url: `/sites/${site.id}/points?q=OUTFALL%203` })).items.map((p) => p.name), ['Outfall 3'], 'name containing q');

  const hourly = [{ kind: 'hour', periodSeconds: 3600 }];
  for (const factor of ['w01018', 'w01001', 'w21003', 'w00000']) await created(`/points/${point.id}/items`, { factor, mode: 'automatic', uploads: hourly });
  type Items = { total: number; limit: number; items: Array<{ id: string; factor: string; createdAt: string }>; nextCursor?: string };
  const all = body<Items>(await api.call(regulator, { url: `/points/${point.id}/items` }));
  tt.same([all.total, all.limit, all.items.map((i) => i.factor).sort()], [4, 100, ['w00000', 'w01001', 'w01018', 'w21003']]);
  tt.same(all.items, inCreationOrder(all.items), 'oldest first');
  const cod = all.items.find((i) => i.factor === 'w01018');
  await api.call(ops, { method: 'PATCH', url: `/items/${cod?.id}`, payload: { enabled: false } });
  const p1 = body<Items>(await api.call(regulator, { url: `/points/${point.id}/items?enabled=true&limit=2` }));
  const p2 = body<Items>(await api.call(regulator, { url: `/points/${point.id}/items?enabled=true&limit=2&cursor=${p1.nextCursor}` }));
  tt.same([p1.total, [...p1.items, ...p2.items].map((i) => i.id), p2.nextCursor], [3, all.items.filter((i) => i !== cod).map((i) => i.id), undefined], 'the enabled items over two pages');
  tt.same(body<Items>(await api.call(regulator, { url: `/points/${point.id}/items?q=W010` })).items.map((i) => i.factor).sort(), ['w01001', 'w01018'], 'factor code containing q');
  tt.match(body(await api.call(regulator, { url: `/points/${point.id}/items?cursor=garbage` })), { code: 'APP_ERR_INVALID_CURSOR' });
});

t.test('/tokens pages oldest first and filters by role, revoked and name', async (tt) => {
  const admin = api.token.admin;
  const made: string[] = [];
  for (const name of ['portal A', 'portal B', 'night shift']) {
    const res = await api.call(admin, { method: 'POST', url: '/tokens', payload: { name, role: 'reader' } });
    made.push(body<{ record: { id: string } }>(res).record.id);
  }
  await api.call(admin, { method: 'DELETE', url: `/tokens/${made[1]}` });
  type Tokens = { total: number; items: Array<{ id: string; name: string; role: string; createdAt: string; revokedAt?: string }>; nextCursor?: string };
  const everyone = body<Tokens>(await api.call(admin, { url: '/tokens' }));
  tt.equal(everyone.total, 4 + 3, 'one per role made by the test helper, and the three new ones');
  const p1 = body<Tokens>(await api.call(admin, { url: '/tokens?limit=4' }));
  const p2 = body<Tokens>(await api.call(admin, { url: `/tokens?limit=4&cursor=${p1.nextCursor}` }));
  tt.same([...p1.items, ...p2.items].map((x) => x.id), everyone.items.map((x) => x.id), 'two pages make the whole list');
  tt.same(everyone.items, inCreationOrder(everyone.items), 'oldest first');
  const readers = body<Tokens>(await api.call(admin, { url: '/tokens?role=reader&revoked=false' }));
  tt.same(readers.items.map((x) => x.name).sort(), ['night shift', 'portal A', 'test reader']);
  tt.same(body<Tokens>(await api.call(admin, { url: '/tokens?revoked=true' })).items.map((x) => x.id), [made[1]]);
  tt.same(body<Tokens>(await api.call(admin, { url: '/tokens?q=PORTAL' })).items.map((x) => x.name).sort(), ['portal A', 'portal B']);
  tt.match(body(await api.call(admin, { url: '/tokens?role=root' })), { code: 'APP_ERR_VALIDATION', errors: [{ path: '/role' }] });
});

t.test('HJ212_API_PAGE_MAX sets the largest page: a larger limit is refused, the default page shrinks to it', async (tt) => {
  tt.equal((await api.call(regulator, { url: '/collectors?limit=1000' })).statusCode, 200, 'by default up to 1000');
  // A second API over the same stores with a page maximum of 4.
  const small = await buildApi(api.deps, { bodyLimit: 64 * 1024, timeZone: 'Asia/Shanghai', pageMax: 4 });
  tt.teardown(() => small.close());
  const get = async (url: string) => small.inject({ url, headers: { authorization: `Bearer ${api.token.admin}` } });
  for (const url of ['/collectors', '/status', '/pending-devices', '/enterprises', `/sites?enterpriseId=${acme.id}`, '/tokens']) {
    const flood = await get(`${url}${url.includes('?') ? '&' : '?'}limit=5`);
    tt.same([flood.statusCode, body(flood).code], [400, 'APP_ERR_VALIDATION'], `${url}: limit=5`);
    tt.match(body(flood), { errors: [{ path: '/limit', message: /4/ }] });
    const page = body<{ limit: number; items: unknown[]; nextCursor?: string }>(await get(url));
    tt.equal(page.limit, 4, `${url}: the default page is the maximum`);
    tt.ok(page.items.length <= 4, `${url}: at most 4 items`);
  }
  const collectors = [];
  let cursor: string | undefined;
  do {
    const page = body<Page>(await get(`/collectors${cursor ? `?cursor=${cursor}` : ''}`));
    collectors.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  tt.equal(collectors.length, body<Page>(await api.call(regulator, { url: '/collectors' })).total, 'every collector reachable in pages of 4');
  const openapi = body<{ paths: Record<string, { get: { parameters: Array<{ name: string; schema: { maximum?: number } }> } }> }>(await small.inject({ url: '/docs/json' }));
  tt.equal(openapi.paths['/tokens']?.get.parameters.find((p) => p.name === 'limit')?.schema.maximum, 4, 'the OpenAPI document states the setting');
});
