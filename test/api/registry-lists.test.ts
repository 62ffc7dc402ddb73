/**
 * Registry listings through the API: /collectors, /status and /pending-devices paginated (limit, opaque cursor,
 * documented default and maximum) and filterable (enterprise, site, point, enabled, online, q); and the registry's
 * decoded-device cache behind them, kept fresh by the registry's pub/sub change events.
 */
import { Redis } from 'ioredis';
import t from 'tap';
import { newDevice } from '../../src/domain/device-defaults.js';
import { createRedisRegistry } from '../../src/storage/redis/registry.js';
import { redisUrl } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';
import { body, buildTestApi } from './helper.js';

const api = await buildTestApi();
t.teardown(() => api.close());
const { ops, regulator } = api.token;

async function created(url: string, payload: Record<string, unknown>): Promise<{ id: string }> {
  const res = await api.call(ops, { method: 'POST', url, payload });
  if (res.statusCode !== 201) throw new Error(`${url}: ${res.body}`);
  return body<{ id: string }>(res);
}
const acme = await created('/enterprises', { name: 'ACME' });
const site = await created('/sites', { enterpriseId: acme.id, name: 'Plant' });
const mn = (i: number): string => `LIST${String(i).padStart(20, '0')}`;
for (let i = 0; i < 25; i++) await created('/collectors', { mn: mn(i), password: 'x1y2z3', ...(i % 5 === 0 ? { siteId: site.id } : {}) });
await api.call(ops, { method: 'PATCH', url: `/collectors/${mn(3)}`, payload: { enabled: false } });
type Page = { total: number; limit: number; items: Array<{ mn: string; enabled: boolean }>; nextCursor?: string };
type Named = { total: number; items: Array<{ name: string }>; nextCursor?: string };

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
