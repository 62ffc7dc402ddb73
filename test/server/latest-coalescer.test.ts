/**
 * The gateway's holder of latest values: per collector + kind + factor only the newest reading reaches the store, once
 * per interval; the store (the in-memory LatestStore, same semantics as Redis) is read back after each flush.
 */
import t from 'tap';
import type { FactorReading } from '../../protocol/index.js';
import type { LatestEntry, LatestStore } from '../../src/domain/ports.js';
import { LatestCoalescer } from '../../src/server/latest-coalescer.js';
import { createMemoryLatest } from '../fakes/memory-stores.js';
import { waitFor } from '../helpers/wait.js';

const r = (code: string, rtd: string, extra: Partial<FactorReading> = {}): FactorReading => ({ code, rtd, valid: true, ...extra });
const HOUR = 3_600_000;

/** A memory store that also records each update() call. */
function recordingStore(): LatestStore & { calls: LatestEntry[][] } {
  const inner = createMemoryLatest();
  const calls: LatestEntry[][] = [];
  return {
    calls,
    update: (entries) => (calls.push([...entries]), inner.update(entries)),
    get: (mn) => inner.get(mn),
  };
}

const show = (entries: readonly LatestEntry[]): string[] => entries.map((e) => `${e.mn} ${e.kind} ${e.factor} ${e.timeMs} ${e.values.rtd}`).sort();

t.test('one entry per key per flush, the newest (equal times: the later frame)', async (t) => {
  const store = recordingStore();
  const c = new LatestCoalescer(store, () => t.fail('no error'), { intervalMs: 60_000 });
  c.hold('A', 'realtime', 2000, [r('w01018', '2'), r('w21003', 'x')]);
  c.hold('A', 'realtime', 1000, [r('w01018', '1')]); // older: ignored
  c.hold('A', 'realtime', 2000, [r('w01018', '2b')]); // same DataTime resent corrected: wins
  c.hold('A', 'minute', 1000, [r('w01018', 'm')]);
  c.hold('B', 'realtime', 500, [r('w01018', 'b')]);
  t.equal(store.calls.length, 0, 'nothing written before the interval');
  await c.flush();
  t.equal(store.calls.length, 1);
  t.same(show(store.calls[0]!), ['A minute w01018 1000 m', 'A realtime w01018 2000 2b', 'A realtime w21003 2000 x', 'B realtime w01018 500 b']);
  await c.flush();
  t.equal(store.calls.length, 1, 'nothing held: no empty flush');
});

t.test('newest wins across frames and flushes; an out-of-order frame never moves a value back', async (t) => {
  // The holder's slots are reused from one write to the next: the time comparison starts afresh, the store's does not.
  const store = recordingStore();
  const c = new LatestCoalescer(store, () => t.fail('no error'), { intervalMs: 60_000 });
  const base = Date.UTC(2024, 2, 15, 2);
  for (let i = 0; i < 5; i++) c.hold('A', 'hour', base + i * HOUR, [r('w01018', `h${i}`), r('w21003', `n${i}`)]);
  await c.flush();
  t.same(show(await store.get('A')), [`A hour w01018 ${base + 4 * HOUR} h4`, `A hour w21003 ${base + 4 * HOUR} n4`]);
  // A backlog frame retransmitted after the newer ones were written: held alone in the next interval, refused by the store.
  c.hold('A', 'hour', base + HOUR, [r('w01018', 'late'), r('w21003', 'late')]);
  await c.flush();
  t.same(show(await store.get('A')), [`A hour w01018 ${base + 4 * HOUR} h4`, `A hour w21003 ${base + 4 * HOUR} n4`], 'older values do not replace newer');
  c.hold('A', 'hour', base + 4 * HOUR, [r('w01018', 'fixed')]);
  await c.flush();
  t.same(show(await store.get('A')), [`A hour w01018 ${base + 4 * HOUR} fixed`, `A hour w21003 ${base + 4 * HOUR} n4`], 'equal times replace across flushes');
});

t.test('a frame with a subset of the factors keeps the other factors at their older values', async (t) => {
  const store = recordingStore();
  const c = new LatestCoalescer(store, () => t.fail('no error'), { intervalMs: 60_000 });
  c.hold('A', 'realtime', 1000, [r('a', '1'), r('b', '1'), r('c', '1')]);
  c.hold('A', 'realtime', 2000, [r('b', '2')]);
  await c.flush();
  t.same(show(store.calls[0]!), ['A realtime a 1000 1', 'A realtime b 2000 2', 'A realtime c 1000 1'], 'within one interval');
  c.hold('A', 'realtime', 3000, [r('c', '3')]);
  await c.flush();
  t.same(show(store.calls[1]!), ['A realtime c 3000 3'], 'the next write carries only what came since the last');
  t.same(show(await store.get('A')), ['A realtime a 1000 1', 'A realtime b 2000 2', 'A realtime c 3000 3'], 'across intervals');
});

t.test('the values are taken from the readings when flushing: every stored suffix, by stored name', async (t) => {
  const store = recordingStore();
  const c = new LatestCoalescer(store, () => t.fail('no error'), { intervalMs: 60_000 });
  const reading: FactorReading = { code: 'a34013', rtd: '1.5', zsRtd: '2.5', flag: 'N', sampleTime: '20240315103000', extra: { Foo: 'x' }, valid: true };
  c.hold('A', 'realtime', 1, [reading]);
  await c.flush();
  t.same(store.calls[0], [{ mn: 'A', factor: 'a34013', kind: 'realtime', timeMs: 1, values: { rtd: '1.5', zs_rtd: '2.5', flag: 'N', sample_time: '20240315103000' } }]);
  c.hold('A', 'realtime', 2, []);
  await c.flush();
  t.equal(store.calls.length, 1, 'a frame without readings holds nothing');
});

t.test('the cap on held readings forces a flush', async (t) => {
  const store = recordingStore();
  const c = new LatestCoalescer(store, () => t.fail('no error'), { intervalMs: 60_000, maxHeld: 5 });
  c.hold('M1', 'realtime', 1, [r('a', '1'), r('b', '1')]);
  c.hold('M1', 'realtime', 2, [r('a', '2'), r('b', '2')]);
  t.equal(store.calls.length, 0, 'replacing held readings does not count');
  c.hold('M2', 'realtime', 1, [r('a', '1'), r('b', '1')]);
  t.equal(store.calls.length, 0);
  // A flood of new factor codes and collectors: flushed at the cap, without waiting for the interval.
  for (let i = 0; i < 20; i++) c.hold(`F${i}`, 'realtime', 1, [r(`x${i}`, '1')]);
  await c.flush();
  t.ok(store.calls.length >= 4, `flushed ${store.calls.length} times`);
  t.ok(store.calls.slice(0, -1).every((call) => call.length === 5), 'each forced flush at the cap');
  t.equal(store.calls.flat().length, 2 + 2 + 20, 'nothing lost');
});

t.test('the interval writes without a flush call; interval 0 writes each frame at once', async (t) => {
  const store = recordingStore();
  const c = new LatestCoalescer(store, () => t.fail('no error'), { intervalMs: 10 });
  c.hold('A', 'realtime', 1, [r('a', '1')]);
  await waitFor(async () => (await store.get('A')).length === 1, 'written by the timer');
  const now = recordingStore();
  const d = new LatestCoalescer(now, () => t.fail('no error'), { intervalMs: 0 });
  d.hold('A', 'realtime', 1, [r('a', '1')]);
  d.hold('A', 'realtime', 2, [r('a', '2')]);
  await d.flush();
  t.same(now.calls.map(show), [['A realtime a 1 1'], ['A realtime a 2 2']]);
});

t.test('flush (graceful close) writes what is held and waits for earlier writes', async (t) => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const store = recordingStore();
  const slow: LatestStore = { update: async (e) => (await gate, store.update(e)), get: (mn) => store.get(mn) };
  const c = new LatestCoalescer(slow, () => t.fail('no error'), { intervalMs: 60_000, maxHeld: 1 });
  c.hold('A', 'realtime', 1, [r('a', '1')]); // forced write, held up by the store
  const c2 = new LatestCoalescer(slow, () => t.fail('no error'), { intervalMs: 60_000 });
  c2.hold('B', 'realtime', 1, [r('a', '1')]);
  c.hold('A', 'realtime', 2, [r('a', '2')]);
  let closed = false;
  const closing = c.flush().then(() => (closed = true));
  await Promise.resolve();
  t.notOk(closed, 'flush waits for the earlier write');
  release();
  await closing;
  t.same(show(await store.get('A')), ['A realtime a 2 2']);
  t.same(await store.get('B'), [], 'another holder keeps its own until flushed');
  await c2.flush();
  t.same(show(await store.get('B')), ['B realtime a 1 1']);
});

t.test('a failed store call is reported and later flushes go on', async (t) => {
  const errors: unknown[] = [];
  let calls = 0;
  const failing: LatestStore = {
    update: async () => {
      if (calls++ === 0) throw new Error('redis down');
    },
    get: async () => [],
  };
  const c = new LatestCoalescer(failing, (err) => errors.push(err), { intervalMs: 60_000 });
  c.hold('A', 'realtime', 1, [r('w01018', '1')]);
  await c.flush();
  c.hold('A', 'realtime', 2, [r('w01018', '2')]);
  await c.flush();
  t.equal(errors.length, 1);
  t.equal(calls, 2);
});
