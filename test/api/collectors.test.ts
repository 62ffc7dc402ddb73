/** Collectors through the DeviceRegistry: MN rules, binding, password rotation, pending register, online status. */
import t from 'tap';
import { verifyPassword } from '../../src/domain/password.js';
import { createRedisRegistry } from '../../src/storage/redis/registry.js';
import { createRedisSessions } from '../../src/storage/redis/sessions.js';
import { body, buildTestApi } from './helper.js';

const api = await buildTestApi();
// What a gateway would read: a separate registry instance on the same keys.
const gatewayRegistry = createRedisRegistry({ redis: api.redis, prefix: api.prefix, cache: false });
t.teardown(async () => {
  await gatewayRegistry.close();
  await api.close();
});
const ops = api.token.ops;
const MN = '010000A8900016F000169DC0';
const MN14 = '88888880000001';

const created = (url: string, payload: Record<string, unknown>) => api.create(url, payload);
const acme = await created('/enterprises', { name: 'ACME' });
const other = await created('/enterprises', { name: 'Other' });
const site = await created('/sites', { enterpriseId: acme.id, name: 'Plant' });
const point = await created(`/sites/${site.id}/points`, { name: 'Stack 1' });
const otherSite = await created('/sites', { enterpriseId: other.id, name: 'Mill' });
const acmeToken = await api.enterpriseToken(acme.id);
const otherToken = await api.enterpriseToken(other.id);

t.test('register a collector: MN rules, defaults, no secrets in the answer', async (tt) => {
  const res = await api.call(ops, { method: 'POST', url: '/collectors', payload: { mn: MN, password: '123456', version: '2017', pointId: point.id } });
  tt.equal(res.statusCode, 201);
  tt.match(body(res), { mn: MN, weakPassword: true, enabled: true, version: '2017', siteId: site.id, pointId: point.id, enterpriseId: acme.id, profile: { timeZone: 'Asia/Shanghai' } });
  tt.notMatch(res.body, /password(Hash|Salt)/);
  const stored = await gatewayRegistry.get(MN);
  tt.ok(stored && verifyPassword(stored, '123456'), 'the gateway sees the device and its password');

  tt.equal((await api.call(ops, { method: 'POST', url: '/collectors', payload: { mn: MN, password: 'x1y2z3' } })).statusCode, 409);
  const short = await api.call(ops, { method: 'POST', url: '/collectors', payload: { mn: '12345', password: 'x1y2z3' } });
  tt.match(body(short), { status: 400, code: 'APP_ERR_INVALID_MN' });
  const legacy = await api.call(ops, { method: 'POST', url: '/collectors', payload: { mn: '12345', password: 'x1y2z3', allowMnLength: true, siteId: otherSite.id, profile: { encoding: 'gbk', crcVariants: ['modbus'] } } });
  tt.match(body(legacy), { mn: '12345', allowMnLength: true, enterpriseId: other.id, profile: { encoding: 'gbk', crcVariants: ['modbus'], maxDataLength: 1024 } });
  const cases: Array<[Record<string, unknown>, number]> = [
    [{ mn: MN14, password: 'a;b' }, 400],
    [{ mn: MN14, password: 'abc def' }, 400],
    [{ mn: MN14, password: 'x1y2z3', profile: { timeZone: 'Mars/Base' } }, 400],
    [{ mn: MN14, password: 'x1y2z3', pointId: 'missing' }, 404],
    [{ mn: MN14, password: 'x1y2z3', siteId: otherSite.id, pointId: point.id }, 400],
    // The same range as `hj212 device --max-data-length` and HJ212_MAX_DATA_LENGTH: 64..9999.
    [{ mn: MN14, password: 'x1y2z3', profile: { maxDataLength: 10_000 } }, 400],
    [{ mn: MN14, password: 'x1y2z3', profile: { maxDataLength: 63 } }, 400],
  ];
  for (const [payload, status] of cases) tt.equal((await api.call(ops, { method: 'POST', url: '/collectors', payload })).statusCode, status, JSON.stringify(payload));
});

t.test('password rotation is stored through the DeviceRegistry and audited without hashes', async (tt) => {
  const res = await api.call(ops, { method: 'PUT', url: `/collectors/${MN}/password`, payload: { password: 'Str0ng-pw' } });
  tt.equal(res.statusCode, 200);
  tt.equal(body(res).weakPassword, false);
  const stored = await gatewayRegistry.get(MN);
  tt.ok(stored && verifyPassword(stored, 'Str0ng-pw'), 'the new password verifies');
  tt.notOk(stored && verifyPassword(stored, '123456'), 'the old one no longer does');
  tt.equal((await api.call(api.token.regulator, { method: 'PUT', url: `/collectors/${MN}/password`, payload: { password: 'x1y2z3' } })).statusCode, 403);
  tt.equal((await api.call(ops, { method: 'PUT', url: '/collectors/00000000000000/password', payload: { password: 'x1y2z3' } })).statusCode, 404);
  const trail = await api.call(api.token.admin, { url: `/audit/collector/${MN}` });
  const entries = body<{ entries: Array<{ action: string; before: { weakPassword: boolean }; after: { weakPassword: boolean } }> }>(trail).entries;
  tt.match(entries[0], { action: 'password', before: { weakPassword: true }, after: { weakPassword: false } });
  tt.notMatch(trail.body, /password(Hash|Salt)|Str0ng-pw/);
});

t.test('patch: disable, profile, rebinding; the gateway sees each change', async (tt) => {
  const res = await api.call(ops, { method: 'PATCH', url: `/collectors/${MN}`, payload: { enabled: false, profile: { maxDataLength: 2048 } } });
  tt.match(body(res), { enabled: false, profile: { maxDataLength: 2048, encoding: 'utf-8' }, pointId: point.id });
  tt.match(await gatewayRegistry.get(MN), { enabled: false, profile: { maxDataLength: 2048 } });
  const unbound = await api.call(ops, { method: 'PATCH', url: `/collectors/${MN}`, payload: { pointId: null } });
  tt.match(body(unbound), { siteId: site.id, enterpriseId: acme.id });
  tt.notOk('pointId' in body(unbound));
  const moved = await api.call(ops, { method: 'PATCH', url: `/collectors/${MN}`, payload: { siteId: otherSite.id } });
  tt.match(body(moved), { siteId: otherSite.id, enterpriseId: other.id });
  const back = await api.call(ops, { method: 'PATCH', url: `/collectors/${MN}`, payload: { pointId: point.id, enabled: true } });
  tt.match(body(back), { siteId: site.id, pointId: point.id, enterpriseId: acme.id, enabled: true });
  const updates = body<{ entries: Array<{ action: string }> }>(await api.call(ops, { url: `/audit/collector/${MN}?limit=4` })).entries;
  tt.same(updates.map((e) => e.action), ['update', 'update', 'update', 'update']);
});

t.test('enterprise tokens see their own collectors only', async (tt) => {
  const own = body<{ items: Array<{ mn: string }> }>(await api.call(acmeToken.secret, { url: '/collectors' })).items;
  tt.same(own.map((d) => d.mn), [MN]);
  tt.equal((await api.call(acmeToken.secret, { url: '/collectors/12345' })).statusCode, 404);
  tt.equal((await api.call(otherToken.secret, { url: `/collectors/${MN}` })).statusCode, 404);
  tt.equal((await api.call(acmeToken.secret, { url: `/collectors?enterpriseId=${other.id}` })).statusCode, 404);
  const bySite = body<{ items: Array<{ mn: string }> }>(await api.call(api.token.regulator, { url: `/collectors?siteId=${otherSite.id}` })).items;
  tt.same(bySite.map((d) => d.mn), ['12345']);
  tt.equal((await api.call(api.token.reader, { url: '/collectors' })).statusCode, 403, 'readers get status and series, not the registry');
});

t.test('pending devices: listed, registered in one call, then gone', async (tt) => {
  await gatewayRegistry.recordPending({ mn: MN14, sourceIp: '203.0.113.9', sampleFrame: '##0101QN=...', at: new Date('2024-05-01T00:00:00Z') });
  const listed = await api.call(ops, { url: '/pending-devices' });
  tt.match(body<{ items: unknown[] }>(listed).items, [{ mn: MN14, sourceIp: '203.0.113.9', frames: 1 }]);
  tt.equal((await api.call(acmeToken.secret, { url: '/pending-devices' })).statusCode, 403);
  tt.equal((await api.call(ops, { method: 'POST', url: '/pending-devices/99999999999999/register', payload: { password: 'x1y2z3' } })).statusCode, 404);
  const res = await api.call(ops, { method: 'POST', url: `/pending-devices/${MN14}/register`, payload: { password: 'P3nding!', siteId: site.id, version: '2005' } });
  tt.equal(res.statusCode, 201);
  tt.match(body(res), { mn: MN14, version: '2005', siteId: site.id, enterpriseId: acme.id });
  tt.same(body<{ items: unknown[] }>(await api.call(ops, { url: '/pending-devices' })).items, [], 'no longer pending');
  tt.ok(verifyPassword((await gatewayRegistry.get(MN14)) ?? { passwordHash: '', passwordSalt: '' }, 'P3nding!'));
  const trail = body<{ entries: Array<{ action: string; before: { sourceIp: string } }> }>(await api.call(ops, { url: `/audit/collector/${MN14}` }));
  tt.match(trail.entries, [{ action: 'register', before: { sourceIp: '203.0.113.9' } }]);

  // A gateway may list an MN again while it is being registered elsewhere: registering it twice is a conflict.
  await gatewayRegistry.recordPending({ mn: MN14, sourceIp: '203.0.113.9', sampleFrame: '##0101QN=...', at: new Date('2024-05-01T00:01:00Z') });
  const twice = await api.call(ops, { method: 'POST', url: `/pending-devices/${MN14}/register`, payload: { password: 'Other#pw1' } });
  tt.equal(twice.statusCode, 409);
  tt.equal(body(twice).code, 'APP_ERR_CONFLICT');
  tt.ok(verifyPassword((await gatewayRegistry.get(MN14)) ?? { passwordHash: '', passwordSalt: '' }, 'P3nding!'), 'the registered device is unchanged');
  const invalid = await api.call(ops, { method: 'POST', url: '/pending-devices/12345/register', payload: { password: 'x1y2z3' } });
  tt.equal(invalid.statusCode, 404, 'only listed MNs can be registered this way');
});

t.test('online status from the session directory', async (tt) => {
  const sessions = createRedisSessions(api.redis, { prefix: api.prefix, timeZone: 'Asia/Shanghai', flushMs: 60_000 });
  t.teardown(() => sessions.close());
  const now = Date.now();
  await sessions.claim({ mn: MN, instanceId: 'gw-1', connectionId: 'c1', remote: '198.51.100.7:40000', connectedAt: now - 60_000, framesToday: 0, rejectionsToday: 0, replaced: 0 });
  sessions.touch(MN, { lastFrameAt: now - 1000, lastAckAt: now - 900, framesToday: 12, rejectionsToday: 2 });
  await sessions.flush();

  const one = body(await api.call(api.token.reader, { url: `/collectors/${MN}/status` }));
  tt.match(one, { mn: MN, online: true, remote: '198.51.100.7:40000', framesToday: 12, rejectionsToday: 2, replaced: 0, enterpriseId: acme.id });
  tt.match(one.lastFrameAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?\+08:00$/, 'ISO 8601 in the collector zone');
  tt.equal(Date.parse(one.lastAckAt as string), now - 900, 'the instant is preserved');

  const offline = body(await api.call(api.token.reader, { url: `/collectors/${MN14}/status` }));
  tt.match(offline, { online: false, framesToday: 0 });
  tt.notOk('lastFrameAt' in offline);

  const online = body<{ items: Array<{ mn: string }> }>(await api.call(api.token.regulator, { url: '/status?online=true' })).items;
  tt.same(online.map((s) => s.mn), [MN]);
  const own = body<{ items: Array<{ mn: string }> }>(await api.call(otherToken.secret, { url: '/status' })).items;
  tt.same(own.map((s) => s.mn), ['12345'], 'an enterprise sees its own collectors');
  tt.equal((await api.call(otherToken.secret, { url: `/collectors/${MN}/status` })).statusCode, 404);

  await sessions.release(MN, 'c1');
  tt.match(body(await api.call(api.token.reader, { url: `/collectors/${MN}/status` })), { online: false, remote: '198.51.100.7:40000' }, 'the last remote stays after disconnect');
});
