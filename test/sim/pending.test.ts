/** Uploads waiting for 9014: acks, rejections, and nothing left running after stop. */
import t from 'tap';
import { PendingAcks } from '../../src/sim/pending.js';
import { SimStats } from '../../src/sim/stats.js';

function pending(): { acks: PendingAcks; resent: Uint8Array[]; stats: SimStats } {
  const stats = new SimStats();
  const resent: Uint8Array[] = [];
  const acks = new PendingAcks({ overTimeMs: 3_600_000, reCount: 3, stats, resend: (f) => resent.push(f) });
  return { acks, resent, stats };
}

t.test('an ack or a rejection ends the wait', async (t) => {
  const { acks, stats } = pending();
  const acked = acks.wait('q1', new Uint8Array([1]), 1);
  const rejected = acks.wait('q2', new Uint8Array([2]), 1);
  t.equal(acks.size, 2);
  t.ok(acks.ack('q1'));
  t.notOk(acks.reject('q2', '1'), 'QnRtn 1 is not a rejection');
  t.ok(acks.reject('q2', '3'));
  t.equal(await acked, 'acked');
  t.equal(await rejected, 'rejected');
  t.equal(stats.counters.acked, 1);
  t.equal(acks.size, 0);
});

t.test('close ends every wait and takes no new ones (no retransmit timer outlives a stopped collector)', async (t) => {
  const { acks, resent, stats } = pending();
  const waiting = acks.wait('q1', new Uint8Array([1]), 1);
  acks.close();
  t.equal(await waiting, 'timeout');
  t.equal(await acks.wait('q2', new Uint8Array([2]), 1), 'timeout', 'a wait after close ends at once');
  t.equal(acks.size, 0, 'nothing waits, so no timer is armed');
  t.same(resent, []);
  t.equal(stats.counters.timeouts, 2);
});
