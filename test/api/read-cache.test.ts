/** The read micro-cache (unit, in-memory ReadingQuery and clock): sharing, single flight, expiry, bounds, errors. */
import t from 'tap';
import { createReadCache } from '../../src/api/read-cache.js';
import type { Reading, ReadingFilter, ReadingQuery } from '../../src/domain/readings.js';

function fakeQuery(rows = 3): ReadingQuery & { calls: number; fail: boolean } {
  const q = {
    calls: 0,
    fail: false,
    async find(filter: ReadingFilter, page: { limit: number }) {
      q.calls++;
      if (q.fail) throw new Error('influx down');
      return Array.from({ length: Math.min(rows, page.limit) }, (_, i): Reading => ({ kind: filter.kind, timeMs: filter.fromMs + i, mn: filter.mns[0] ?? '', factor: 'w01018', invalid: false, source: 'collector', rejected: false, avg: i }));
    },
    async latest(mn: string) {
      q.calls++;
      return [{ kind: 'hour', timeMs: 0, mn, factor: 'w01018', invalid: false }] as Reading[];
    },
  };
  return q;
}

const filter: ReadingFilter = { kind: 'hour', mns: ['A'], factors: ['w01018'], fromMs: 0, toMs: 86_400_000 };

t.test('identical queries share one answer until the TTL ends', async (tt) => {
  const inner = fakeQuery();
  let now = 0;
  const cache = createReadCache(inner, { ttlMs: 1000, now: () => now });
  const [a, b] = await Promise.all([cache.find(filter, { limit: 10 }), cache.find(filter, { limit: 10 })]);
  tt.equal(inner.calls, 1, 'single flight');
  tt.equal(a, b);
  tt.ok(Object.isFrozen(a), 'shared answers are frozen');
  now = 999;
  await cache.find(filter, { limit: 10 });
  tt.equal(inner.calls, 1);
  now = 1000;
  await cache.find(filter, { limit: 10 });
  tt.equal(inner.calls, 2, 'expired');
});

t.test('any difference in the query is another entry', async (tt) => {
  const inner = fakeQuery();
  const cache = createReadCache(inner, { ttlMs: 1000, now: () => 0 });
  await cache.find(filter, { limit: 10 });
  await cache.find(filter, { limit: 11 });
  await cache.find({ ...filter, factors: ['w01001'] }, { limit: 10 });
  await cache.find({ ...filter, mns: ['B'] }, { limit: 10 });
  await cache.find({ ...filter, kind: 'day' }, { limit: 10 });
  await cache.find(filter, { limit: 10, after: { timeMs: 0, mn: 'A', factor: 'w01018', st: '' } });
  await cache.latest('A', ['hour']);
  await cache.latest('A', ['hour', 'day']);
  tt.equal(inner.calls, 8);
  await cache.latest('A', ['hour']);
  tt.equal(inner.calls, 8, 'latest is cached too');
});

t.test('failures are not kept', async (tt) => {
  const inner = fakeQuery();
  const cache = createReadCache(inner, { ttlMs: 1000, now: () => 0 });
  inner.fail = true;
  await tt.rejects(cache.find(filter, { limit: 10 }), /influx down/);
  inner.fail = false;
  tt.equal((await cache.find(filter, { limit: 10 })).length, 3, 'the next call asks again');
  tt.equal(inner.calls, 2);
});

t.test('large answers and old entries are not kept', async (tt) => {
  const inner = fakeQuery(50);
  const cache = createReadCache(inner, { ttlMs: 1000, maxRows: 10, maxEntries: 2, now: () => 0 });
  await cache.find(filter, { limit: 50 });
  await cache.find(filter, { limit: 50 });
  tt.equal(inner.calls, 2, 'an answer above maxRows is not kept');
  for (const limit of [1, 2, 3]) await cache.find(filter, { limit });
  await cache.find(filter, { limit: 3 });
  tt.equal(inner.calls, 5, 'the newest entry is kept');
  await cache.find(filter, { limit: 1 });
  tt.equal(inner.calls, 6, 'the oldest was dropped beyond maxEntries');
  tt.equal(createReadCache(inner, { ttlMs: 0 }), inner, 'ttl 0: no cache');
});
