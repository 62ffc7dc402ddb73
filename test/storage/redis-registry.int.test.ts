/** The registry cache across processes: a put on one registry instance is seen by another without restart. */
import { Redis } from 'ioredis';
import t from 'tap';
import { newDevice } from '../../src/domain/device-defaults.js';
import type { Device } from '../../src/domain/device.js';
import type { DeviceRegistry } from '../../src/domain/ports.js';
import { DeviceRecordError } from '../../src/storage/redis/device-record.js';
import { createRedisRegistry } from '../../src/storage/redis/registry.js';
import { openRegistry, type OpenRegistry } from '../helpers/registry.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';
import type { Tap } from './conformance/tap-types.js';

const MN = '88888880000001';

/** Resolves with the next message published on `channel` (a third connection, like any other gateway). */
async function nextMessage(channel: string): Promise<{ message: Promise<string>; close: () => Promise<unknown> }> {
  const sub = new Redis(redisUrl());
  await sub.subscribe(channel);
  const message = new Promise<string>((resolve) => sub.once('message', (_ch: string, m: string) => resolve(m)));
  return { message, close: () => sub.quit() };
}

/** Two gateways' registries on one fresh prefix (each with its own connections and cache), closed after the test. */
function twoGateways(tt: Tap): { prefix: string; a: ReturnType<typeof createRedisRegistry>; b: ReturnType<typeof createRedisRegistry> } {
  const prefix = freshPrefix();
  const a = createRedisRegistry({ redis: redisUrl(), prefix });
  const b = createRedisRegistry({ redis: redisUrl(), prefix });
  tt.teardown(async () => {
    await a.close();
    await b.close();
  });
  return { prefix, a, b };
}

/** A registry without the cache on its own connection and a fresh prefix, closed after the test. */
function uncached(tt: Tap): { prefix: string; redis: Redis; registry: ReturnType<typeof createRedisRegistry> } {
  const prefix = freshPrefix();
  const redis = new Redis(redisUrl());
  const registry = createRedisRegistry({ redis, prefix, cache: false });
  tt.teardown(async () => {
    await registry.close();
    await redis.quit();
  });
  return { prefix, redis, registry };
}

t.test('put on one gateway invalidates the cached device on another', async (tt) => {
  const { prefix, a, b } = twoGateways(tt);
  await a.put(newDevice({ mn: MN, password: 'first-pw' }));
  tt.equal((await b.get(MN))?.enabled, true, 'b caches the device');

  const probe = await nextMessage(`${prefix}registry`);
  const device = await a.get(MN);
  if (!device) throw new Error('device missing');
  await a.put({ ...device, enabled: false });
  tt.equal(await probe.message, MN, 'the change is announced on the registry channel');
  await probe.close();
  // Delivery to b's subscriber is asynchronous too, so poll b until it reflects the change.
  const seen = await waitFor(async () => (await b.get(MN))?.enabled === false);
  tt.ok(seen, 'b sees the disabled device');
});

t.test('cached() answers from memory what get() cached, and nothing once another gateway changed the device', async (tt) => {
  const { a, b } = twoGateways(tt);
  await a.put(newDevice({ mn: MN, password: 'first-pw' }));
  tt.equal(b.cached?.(MN), undefined, 'not asked yet: get() must be asked');
  // The cache is trusted once b's subscription is live: read until get() has cached the device.
  const cachedRead = async (): Promise<boolean> => (await b.get(MN))?.enabled === true && b.cached?.(MN)?.enabled === true;
  tt.ok(await waitFor(cachedRead), 'the device get() read is answered without a promise');
  await b.get('88888880009999');
  tt.equal(b.cached?.('88888880009999'), null, 'a known-absent MN is null, not undefined');
  const device = await a.get(MN);
  if (!device) throw new Error('device missing');
  await a.put({ ...device, enabled: false });
  tt.ok(await waitFor(async () => b.cached?.(MN) === undefined), 'the invalidation drops the cached answer');
  tt.equal((await b.get(MN))?.enabled, false, 'get() then reads the change');
});

t.test('a cached "unknown" is dropped when the MN is registered elsewhere', async (tt) => {
  const { a, b } = twoGateways(tt);
  tt.equal(await b.get(MN), undefined);
  await a.put(newDevice({ mn: MN, password: 'pw-123-x' }));
  tt.ok(await waitFor(async () => (await b.get(MN)) !== undefined), 'b sees the new device');
});

/** A cached registry on a fresh prefix, its own Redis connection, and the key of MN's record. */
function openCached(tt: Tap): OpenRegistry & { key: string } {
  const opened = openRegistry((fn) => tt.teardown(fn));
  return { ...opened, key: `${opened.prefix}device:${MN}` };
}

/**
 * put (drops any cached copy), read (fills the cache once the subscription is live), then change the record behind
 * the registry's back (no publish), until a read that still says enabled shows it was served from memory.
 */
function untilCached(registry: DeviceRegistry, redis: Redis, key: string, device: Device, read: () => Promise<boolean | undefined>): Promise<boolean> {
  return waitFor(async () => {
    await registry.put(device);
    await read();
    await redis.set(key, JSON.stringify({ ...device, enabled: false }));
    return (await read()) === true;
  });
}

t.test('the cache serves repeated reads without asking Redis', async (tt) => {
  const { redis, registry, key } = openCached(tt);
  const device = newDevice({ mn: MN, password: 'pw-123-x' });
  tt.ok(await untilCached(registry, redis, key, device, async () => (await registry.get(MN))?.enabled), 'reads come from the cache');
});

t.test('listings and lookups are served from one index until a device changes', async (tt) => {
  const { redis, registry, key } = openCached(tt);
  const device = { ...newDevice({ mn: MN, password: 'pw-123-x' }), enterpriseId: 'e1' };
  const listed = async (): Promise<boolean | undefined> => (await registry.find({ enterpriseId: 'e1' }))[0]?.enabled;
  tt.ok(await untilCached(registry, redis, key, device, listed), 'find answers from the index, not from Redis');
  tt.equal((await registry.list())[0]?.enabled, true, 'list too');
  const other = newDevice({ mn: '88888880000009', password: 'pw-123-y' });
  await registry.put(other);
  // MN's own cached record stays (nothing invalidated it); the listing is rebuilt with the new device.
  tt.same((await registry.list()).map((d) => d.mn), [MN, other.mn], 'a put rebuilds the index');
  tt.same((await registry.find({ enterpriseId: 'e1' })).map((d) => d.mn), [MN]);
});

/**
 * Pub/sub delivery is asynchronous: retry the check on each event-loop turn until it holds, at most 5 s.
 * Returns false when it never held, so the test fails with an assertion rather than a timeout.
 */
async function waitFor(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return false;
}

t.test('a lost subscriber connection empties the cache (invalidations may have been missed)', async (tt) => {
  const { prefix, redis, registry, key } = openCached(tt);
  const device = newDevice({ mn: MN, password: 'pw-123-x' });
  const cached = await untilCached(registry, redis, key, device, async () => (await registry.get(MN))?.enabled);
  tt.ok(cached, 'serving a stale copy from the cache, as no invalidation was published');
  const clients = (await redis.client('LIST')) as string;
  const id = /id=(\d+) .*name=(\S+)/.exec(clients.split('\n').find((line) => line.includes(`name=${prefix}registry-cache`)) ?? '')?.[1];
  tt.ok(id, 'the subscriber connection is named after the channel');
  await redis.client('KILL', 'ID', id ?? '0');
  tt.ok(await waitFor(async () => (await registry.get(MN))?.enabled === false), 'after the drop the record is read afresh');
  const resubscribed = await waitFor(async () => Number((await redis.pubsub('NUMSUB', `${prefix}registry`))[1]) === 1);
  tt.ok(resubscribed, 'the subscriber is back');
  tt.equal((await registry.get(MN))?.enabled, false);
});

t.test('a malformed stored record is an error naming the MN', async (tt) => {
  const { prefix, redis, registry } = uncached(tt);
  await redis.set(`${prefix}device:${MN}`, '{"mn":"88888880000001","enabled":"yes"}');
  const err = await registry.get(MN).catch((e: unknown) => e);
  tt.ok(err instanceof DeviceRecordError);
  tt.match((err as Error).message, /88888880000001.*enabled/);
  await redis.set(`${prefix}device:${MN}`, 'not json');
  tt.ok((await registry.get(MN).catch((e: unknown) => e)) instanceof DeviceRecordError);
});

t.test('the lookups of one I/O phase go to Redis as one MGET; a malformed record fails only its own MN', async (tt) => {
  const { prefix, redis, registry } = uncached(tt);
  const mns = Array.from({ length: 40 }, (_, i) => `8888888${String(i).padStart(7, '0')}`);
  for (const mn of mns.slice(0, 30)) await registry.put(newDevice({ mn, password: `pw-${mn}` }));
  const bad = mns[30] as string;
  await redis.set(`${prefix}device:${bad}`, 'not json');
  // Counted on this connection only (other test files share the Redis server).
  const calls = { get: 0, mget: 0 };
  const { get, mget } = { get: redis.get.bind(redis), mget: redis.mget.bind(redis) };
  Object.assign(redis, {
    get: (...a: Parameters<typeof get>) => (calls.get++, get(...a)),
    mget: (...a: Parameters<typeof mget>) => (calls.mget++, mget(...a)),
  });
  const answers = await Promise.all([...mns, mns[0] as string].map((mn) => registry.get(mn).then((d) => d?.mn ?? 'absent', (e: unknown) => e)));
  tt.same(calls, { get: 0, mget: 1 }, '41 lookups (one MN twice), one MGET');
  tt.same(answers.slice(0, 30), mns.slice(0, 30), 'registered devices found');
  tt.ok(answers[30] instanceof DeviceRecordError, 'the malformed record is an error');
  tt.same(answers.slice(31, 40), Array(9).fill('absent'), 'unknown MNs are absent');
  tt.equal(answers[40], mns[0], 'the repeated MN gets the same answer');
});

t.test('a failed MGET rejects every lookup of its batch (none is answered as unknown)', async (tt) => {
  // A client that cannot queue commands while it is not connected: every command fails at once.
  const redis = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  const registry = createRedisRegistry({ redis, prefix: freshPrefix(), cache: false });
  tt.teardown(() => redis.disconnect());
  const results = await Promise.allSettled([registry.get(MN), registry.get('88888880000002')]);
  tt.same(results.map((r) => r.status), ['rejected', 'rejected']);
});

t.test('10,001 spoofed unknown MNs do not evict a genuine pending device (default bound 10,000)', async (tt) => {
  const { prefix, redis, registry } = uncached(tt);
  const t0 = Date.UTC(2024, 0, 1, 0, 0);
  await registry.recordPending({ mn: 'GENUINE0000000000000001', sourceIp: '10.0.0.1', sampleFrame: '##g', at: new Date(t0) });
  await registry.recordPending({ mn: 'GENUINE0000000000000001', sourceIp: '10.0.0.1', sampleFrame: '##g', at: new Date(t0 + 60_000) });
  for (let start = 0; start < 10_001; start += 1000) {
    const batch = [];
    for (let i = start; i < Math.min(10_001, start + 1000); i++) {
      batch.push(registry.recordPending({ mn: `SPOOF${String(i).padStart(19, '0')}`, sourceIp: '203.0.113.9', sampleFrame: '##', at: new Date(t0 + 120_000 + i) }));
    }
    await Promise.all(batch);
  }
  tt.equal(await redis.zcard(`${prefix}pending`), 10_000, 'bounded at 10,000');
  tt.equal(await redis.zcard(`${prefix}pendingRank`), 10_000, 'rank index in step');
  tt.ok((await redis.zscore(`${prefix}pending`, 'GENUINE0000000000000001')) !== null, 'the genuine device is still pending');
  tt.equal(await redis.exists(`${prefix}pending:SPOOF0000000000000000000`), 0, 'evicted entries leave no hash behind');
});
