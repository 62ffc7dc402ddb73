/** The gateway's deadline wheel (idle and unfinished-frame timeouts of every connection in one timer). */
import t from 'tap';
import { DeadlineWheel, type Expiring } from '../../src/server/deadlines.js';

function item(deadline: number, onExpire?: (self: Expiring, now: number) => void): Expiring & { expired: number[] } {
  const it = {
    deadline,
    bucket: -1,
    expired: [] as number[],
    expire(now: number) {
      it.expired.push(now);
      if (onExpire) onExpire(it, now);
      else it.deadline = Number.POSITIVE_INFINITY;
    },
  };
  return it;
}

t.test('a deadline is met at the first tick at or after it, never before, and once', async (t) => {
  const wheel = new DeadlineWheel(100, () => 0);
  t.teardown(() => wheel.stop());
  const a = item(1_450);
  wheel.schedule(a);
  wheel.tick(1_400);
  t.same(a.expired, [], 'not before its deadline');
  wheel.tick(1_449);
  t.same(a.expired, [], 'still not');
  wheel.tick(1_500);
  t.same(a.expired, [1_500], 'at the first tick after it');
  wheel.tick(5_000);
  t.same(a.expired, [1_500], 'once');
});

t.test('a deadline moved later without rescheduling is met at the new time', async (t) => {
  const wheel = new DeadlineWheel(100, () => 0);
  t.teardown(() => wheel.stop());
  const a = item(1_000);
  wheel.schedule(a);
  a.deadline = 3_000; // a frame arrived: only the number moves
  wheel.tick(1_000);
  t.same(a.expired, [], 'its old bucket came due, the new deadline had not');
  wheel.tick(2_900);
  t.same(a.expired, [], 'not before the new deadline');
  wheel.tick(3_000);
  t.same(a.expired, [3_000]);
});

t.test('moved earlier and rescheduled, removed, and expiry that sets a later deadline', async (t) => {
  const wheel = new DeadlineWheel(100, () => 0);
  t.teardown(() => wheel.stop());
  const early = item(10_000);
  wheel.schedule(early);
  early.deadline = 500;
  wheel.schedule(early);
  const gone = item(500);
  wheel.schedule(gone);
  wheel.remove(gone);
  const again = item(500, (self, now) => {
    self.deadline = now < 1_000 ? 1_200 : Number.POSITIVE_INFINITY;
  });
  wheel.schedule(again);
  wheel.tick(600);
  t.same(early.expired, [600], 'the earlier deadline counts once rescheduled');
  t.same(gone.expired, [], 'a removed item never expires');
  t.same(again.expired, [600]);
  wheel.tick(1_300);
  t.same(again.expired, [600, 1_300], 'the deadline its expiry set is met too');
  t.equal(again.bucket, -1, 'no deadline left: not held');
});
