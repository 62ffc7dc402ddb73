/** The command ledger in Redis: order of issue, caps per collector and in all, compare-and-set, the due list. */
import { Redis } from 'ioredis';
import t from 'tap';
import type { CommandEntry } from '../../src/domain/commands.js';
import { createRedisCommandLedger } from '../../src/storage/redis/command-ledger.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';

const redis = new Redis(redisUrl());
t.teardown(() => redis.quit());

const entry = (id: string, mn: string, createdAt: number, extra: Partial<CommandEntry> = {}): CommandEntry => ({
  id,
  mn,
  name: 'get-time',
  cn: '1011',
  qn: String(createdAt),
  cp: {},
  requestedBy: { tokenId: 't', name: 'ops', role: 'ops' },
  createdAt,
  state: 'sent',
  final: false,
  attempts: 1,
  deadline: createdAt + 5000,
  ...extra,
});

t.test('newest first across pages; a QN is taken once per collector', async (t) => {
  const ledger = createRedisCommandLedger(redis, { prefix: freshPrefix(), settings: { ttlMs: 86_400_000, keepPerMn: 100, keepTotal: 100 } });
  for (let i = 0; i < 5; i++) t.ok(await ledger.create(entry(`c${i}`, 'A', 1000 + i)));
  t.notOk(await ledger.create(entry('dup', 'A', 1000)), 'same MN and QN');
  t.ok(await ledger.create(entry('other', 'B', 1000)), 'the same QN of another collector');
  const first = await ledger.list({ mn: 'A', limit: 2 });
  t.same(first.map((e) => e.id), ['c4', 'c3']);
  const next = await ledger.list({ mn: 'A', limit: 10, before: { createdAt: first[1]!.createdAt, id: first[1]!.id } });
  t.same(next.map((e) => e.id), ['c2', 'c1', 'c0']);
  t.equal((await ledger.byQn('A', '1002'))?.id, 'c2');
  t.same((await ledger.list({ limit: 100, state: 'sent', mns: new Set(['B']) })).map((e) => e.id), ['other']);
});

t.test('a flood of commands keeps the per-collector and total caps; evicted entries leave the due list', async (t) => {
  const ledger = createRedisCommandLedger(redis, { prefix: freshPrefix(), settings: { ttlMs: 86_400_000, keepPerMn: 3, keepTotal: 5 } });
  for (let i = 0; i < 10; i++) await ledger.create(entry(`a${i}`, 'A', 2000 + i));
  for (let i = 0; i < 4; i++) await ledger.create(entry(`b${i}`, 'B', 3000 + i));
  t.same((await ledger.list({ mn: 'A', limit: 100 })).map((e) => e.id), ['a9', 'a8'], 'A lost one more to the total cap');
  t.same((await ledger.list({ limit: 100 })).map((e) => e.id), ['b3', 'b2', 'b1', 'a9', 'a8']);
  t.equal(await ledger.get('a0'), undefined);
  t.same((await ledger.due(Number.MAX_SAFE_INTEGER, 100)).sort(), ['a8', 'a9', 'b1', 'b2', 'b3']);
});

t.test('update is compare-and-set and keeps the due list in step', async (t) => {
  const ledger = createRedisCommandLedger(redis, { prefix: freshPrefix(), settings: { ttlMs: 86_400_000, keepPerMn: 10, keepTotal: 10 } });
  await ledger.create(entry('x', 'A', 5000));
  t.same(await ledger.due(5000 + 5000, 10), ['x']);
  const [one, two] = await Promise.all([
    ledger.update('x', (e) => ({ ...e, attempts: e.attempts + 1, deadline: 9000 })),
    ledger.update('x', (e) => ({ ...e, attempts: e.attempts + 1, deadline: 9000 })),
  ]);
  t.equal(Math.max(one!.attempts, two!.attempts), 3, 'both increments applied');
  t.same(await ledger.due(8999, 10), []);
  await ledger.update('x', (e) => ({ ...e, state: 'succeeded', final: true }));
  t.same(await ledger.due(Number.MAX_SAFE_INTEGER, 10), [], 'a final entry is not due');
  t.equal(await ledger.update('missing', (e) => e), undefined);
});
