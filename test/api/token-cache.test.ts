/** The token cache (unit, in-memory store and clock): hits skip the store, failures are never cached, revocation. */
import t from 'tap';
import { createTokenCache } from '../../src/api/token-cache.js';
import type { TokenRecord, TokenStore } from '../../src/domain/catalog.js';

/** A store that counts verifications; `revoke` marks the record as the Redis store does. */
function fakeStore(): TokenStore & { verifies: number; records: Map<string, TokenRecord> } {
  const records = new Map<string, TokenRecord>();
  const store = {
    verifies: 0,
    records,
    async create(input: Parameters<TokenStore['create']>[0]) {
      const record: TokenRecord = { id: `id${records.size}`, ...input, createdAt: '2024-05-01T00:00:00.000Z' };
      const secret = `hj212_secret${records.size}`;
      records.set(secret, record);
      return { record, secret };
    },
    async verify(secret: string) {
      store.verifies++;
      const record = records.get(secret);
      return record && record.revokedAt === undefined ? record : undefined;
    },
    async get(id: string) {
      return [...records.values()].find((r) => r.id === id);
    },
    async list() {
      return [...records.values()];
    },
    async revoke(id: string) {
      for (const [secret, record] of records) if (record.id === id) records.set(secret, { ...record, revokedAt: '2024-05-01T00:00:01.000Z' });
      return store.get(id);
    },
  };
  return store;
}

const input = { name: 'n', role: 'reader', main: false, createdBy: 'test' } as const;

t.test('a verified token is served from the cache until the TTL ends', async (tt) => {
  const store = fakeStore();
  let now = 0;
  const cache = createTokenCache(store, { ttlMs: 5000, now: () => now });
  const { secret, record } = await cache.create(input);
  tt.same(await cache.verify(secret), record);
  tt.same(await cache.verify(secret), record);
  tt.equal(store.verifies, 1, 'second call answered from the cache');
  now = 5000;
  await cache.verify(secret);
  tt.equal(store.verifies, 2, 'expired: asked again');
});

t.test('failures are not cached: a token created after a failed attempt works at once', async (tt) => {
  const store = fakeStore();
  const cache = createTokenCache(store, { ttlMs: 5000, now: () => 0 });
  tt.equal(await cache.verify('hj212_secret0'), undefined);
  tt.equal(await cache.verify('hj212_secret0'), undefined);
  tt.equal(store.verifies, 2, 'each failure reaches the store');
  const { secret } = await cache.create(input);
  tt.equal(secret, 'hj212_secret0');
  tt.ok(await cache.verify(secret));
});

t.test('revocation through the cache applies at once; out of band within the TTL', async (tt) => {
  const store = fakeStore();
  let now = 0;
  const cache = createTokenCache(store, { ttlMs: 5000, now: () => now });
  const a = await cache.create(input);
  const b = await cache.create(input);
  await cache.verify(a.secret);
  await cache.verify(b.secret);
  await cache.revoke(a.record.id);
  tt.equal(await cache.verify(a.secret), undefined, 'revoked through the cache: refused at once');
  await store.revoke(b.record.id);
  tt.ok(await cache.verify(b.secret), 'revoked elsewhere: still trusted inside the TTL');
  now = 5000;
  tt.equal(await cache.verify(b.secret), undefined, 'refused once the TTL has passed');
});

t.test('a verification in flight during a revocation is not cached', async (tt) => {
  const store = fakeStore();
  const cache = createTokenCache(store, { ttlMs: 5000, now: () => 0 });
  const { secret, record } = await cache.create(input);
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const slow: TokenStore = {
    ...store,
    verify: async (s) => {
      const answer = await store.verify(s);
      await gate;
      return answer;
    },
  };
  const racing = createTokenCache(slow, { ttlMs: 5000, now: () => 0 });
  const inFlight = racing.verify(secret);
  await racing.revoke(record.id);
  release();
  tt.ok(await inFlight, 'the answer read before the revocation is returned once');
  tt.equal(await racing.verify(secret), undefined, 'but not remembered');
});

t.test('bounded, and ttl 0 caches nothing', async (tt) => {
  const store = fakeStore();
  const cache = createTokenCache(store, { ttlMs: 5000, maxEntries: 2, now: () => 0 });
  const tokens = [await cache.create(input), await cache.create(input), await cache.create(input)];
  for (const { secret } of tokens) await cache.verify(secret);
  const before = store.verifies;
  await cache.verify(tokens[0]?.secret ?? '');
  tt.equal(store.verifies, before + 1, 'the oldest entry was dropped');
  await cache.verify(tokens[2]?.secret ?? '');
  tt.equal(store.verifies, before + 1, 'the newest is kept');
  const uncached = createTokenCache(store, { ttlMs: 0 });
  const seen = store.verifies;
  await uncached.verify(tokens[2]?.secret ?? '');
  await uncached.verify(tokens[2]?.secret ?? '');
  tt.equal(store.verifies, seen + 2, 'every verification reaches the store');
});

t.test('cached records cannot be changed by a caller', async (tt) => {
  const store = fakeStore();
  const cache = createTokenCache(store, { ttlMs: 5000, now: () => 0 });
  const { secret } = await cache.create(input);
  await cache.verify(secret);
  const cached = await cache.verify(secret);
  tt.throws(() => {
    (cached as { role: string }).role = 'admin';
  });
});
