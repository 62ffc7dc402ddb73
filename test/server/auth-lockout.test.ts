/** AuthLockout and Backoff units: exponential backoff, no allowance after a lockout, trusted addresses, bounds. */
import t from 'tap';
import { AuthLockout } from '../../src/server/auth-lockout.js';
import { Backoff, WindowCounter } from '../../src/server/backoff.js';

const opts = { limit: 3, baseMs: 60_000, maxMs: 600_000, trustMs: 3_600_000, maxEntries: 1000 };

t.test('an address is locked after the allowance, then once per doubled lockout', async (t) => {
  const a = new AuthLockout(opts);
  let now = 1_000_000;
  t.same(a.fail('10.0.0.1', 'MN1', now), []);
  t.same(a.fail('10.0.0.1', 'MN1', now), []);
  t.same(a.fail('10.0.0.1', 'MN1', now), ['ip', 'mn'], 'third failure locks address and MN');
  t.equal(a.locked('10.0.0.1', 'MN1', now), 'ip');
  t.equal(a.addressLockedFor('10.0.0.1', now), 60_000);
  now += 60_000;
  t.equal(a.locked('10.0.0.1', 'MN1', now), undefined, 'free after the lockout');
  t.same(a.fail('10.0.0.1', 'MN1', now), ['ip', 'mn'], 'one failure after a lockout locks again');
  t.equal(a.addressLockedFor('10.0.0.1', now), 120_000, 'for twice as long');
  // A guessing loop over a day: evaluated guesses are bounded by the backoff (a few per minute at most).
  const evaluated: number[] = [];
  for (const end = now + 86_400_000; now < end; now += 1000) {
    if (a.locked('10.0.0.1', 'MN1', now)) continue;
    evaluated.push(now);
    a.fail('10.0.0.1', 'MN1', now);
  }
  const perMinute = Math.max(...evaluated.map((at) => evaluated.filter((x) => x >= at && x < at + 60_000).length));
  t.equal(perMinute, 1, 'after the first lockout: one guess per lockout, never more in a minute');
  t.ok(evaluated.length <= 86_400_000 / opts.maxMs + 5, `${evaluated.length} guesses in a day (one per maxMs at most)`);
});

t.test('MN lockout spares addresses trusted for the MN; failures from them do not count against it', async (t) => {
  const a = new AuthLockout(opts);
  const now = 5_000_000;
  a.succeed('10.0.0.2', 'MN1', now);
  for (const ip of ['10.0.0.7', '10.0.0.8', '10.0.0.9']) a.fail(ip, 'MN1', now);
  t.equal(a.locked('10.0.0.6', 'MN1', now), 'mn', 'untrusted address locked out of the MN');
  t.equal(a.locked('10.0.0.2', 'MN1', now), undefined, 'trusted address keeps access');
  t.equal(a.locked('10.0.0.6', 'MN2', now), undefined, 'other MNs unaffected');
  const b = new AuthLockout(opts);
  b.succeed('10.0.0.2', 'MN1', now);
  for (let i = 0; i < 2; i++) b.fail('10.0.0.2', 'MN1', now);
  t.equal(b.locked('10.0.0.6', 'MN1', now), undefined, 'a trusted address failing does not lock the MN');
  t.equal(b.isTrusted('MN1', '10.0.0.2', now + opts.trustMs), false, 'trust expires');
  // Logging in as a known MN between guesses does not reset the address's failure count.
  const c = new AuthLockout(opts);
  c.fail('10.0.0.3', 'MN7', now);
  c.fail('10.0.0.3', 'MN8', now);
  c.succeed('10.0.0.3', 'MN1', now);
  t.same(c.fail('10.0.0.3', 'MN9', now), ['ip'], 'third failure from the address locks it despite the login in between');
});

t.test('tables stay bounded', async (t) => {
  const b = new Backoff({ baseMs: 1000, maxMs: 8000, maxEntries: 100 });
  for (let i = 0; i < 10_000; i++) b.strike(`ip${i}`, i);
  t.equal(b.size, 100);
  t.equal(b.strike('x', 0), 1000);
  t.equal(b.strike('x', 0), 2000);
  t.equal(b.strike('x', 0), 4000);
  t.equal(b.strike('x', 0), 8000);
  t.equal(b.strike('x', 0), 8000, 'capped');
  t.equal(new Backoff({ baseMs: 0, maxMs: 1, maxEntries: 1 }).strike('y', 0), 0, 'base 0 disables');
  const w = new WindowCounter(1000, 10);
  t.equal(w.add('k', 0), 1);
  t.equal(w.add('k', 999), 2);
  t.equal(w.add('k', 1000), 1, 'new window');
});
