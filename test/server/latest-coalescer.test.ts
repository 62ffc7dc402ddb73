/** Latest values coalesced per collector + kind + factor: only the newest entry of each key reaches the store. */
import t from 'tap';
import type { LatestEntry } from '../../src/domain/ports.js';
import { LatestCoalescer } from '../../src/server/latest-coalescer.js';

const entry = (mn: string, factor: string, timeMs: number, rtd: string): LatestEntry => ({ mn, kind: 'realtime', factor, timeMs, values: { rtd } });

t.test('one entry per key per flush, the newest (equal times: the later push)', async (t) => {
  const flushed: LatestEntry[][] = [];
  const c = new LatestCoalescer(async (e) => void flushed.push(e), () => t.fail('no error'));
  c.push(entry('A', 'w01018', 2000, '2'));
  c.push(entry('A', 'w01018', 1000, '1')); // older: ignored
  c.push(entry('A', 'w01018', 2000, '2b')); // same DataTime resent corrected: wins
  c.push(entry('A', 'w21003', 1000, 'x'));
  c.push(entry('B', 'w01018', 500, 'b'));
  await c.flush();
  t.equal(flushed.length, 1);
  t.same(
    flushed[0]!.map((e) => `${e.mn} ${e.factor} ${e.timeMs} ${e.values.rtd}`).sort(),
    ['A w01018 2000 2b', 'A w21003 1000 x', 'B w01018 500 b'],
  );
  await c.flush();
  t.equal(flushed.length, 1, 'nothing held: no empty flush');
});

t.test('the key cap forces a flush', async (t) => {
  const flushed: LatestEntry[][] = [];
  const c = new LatestCoalescer(async (e) => void flushed.push(e), () => t.fail('no error'), 3, 60_000);
  for (let i = 0; i < 3; i++) c.push(entry(`M${i}`, 'w01018', 1, '1'));
  await c.flush();
  t.equal(flushed[0]!.length, 3, 'flushed at the cap, without waiting for the interval');
});

t.test('a failed store call is reported and later flushes go on', async (t) => {
  const errors: unknown[] = [];
  let calls = 0;
  const c = new LatestCoalescer(async () => {
    if (calls++ === 0) throw new Error('redis down');
  }, (err) => errors.push(err));
  c.push(entry('A', 'w01018', 1, '1'));
  await c.flush();
  c.push(entry('A', 'w01018', 2, '2'));
  await c.flush();
  t.equal(errors.length, 1);
  t.equal(calls, 2);
});
