/**
 * The account stores on real Redis: users (scrypt hashes kept inside, atomic changes) and browser sessions (only the
 * hash of the secret as key, idle and absolute expiry against the caller's clock, per-user cap, deleteAll).
 */
import { Redis } from 'ioredis';
import t from 'tap';
import { createRedisUsers } from '../../src/storage/redis/users.js';
import { hashUserPassword, verifyUserPassword } from '../../src/storage/redis/user-passwords.js';
import { createRedisWebSessions } from '../../src/storage/redis/web-sessions.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';

const redis = new Redis(redisUrl());
t.teardown(() => redis.quit());
const COST = { N: 1024, r: 8, p: 1 };

t.test('users: create once, verify, change password and state atomically; no hash ever returned', async (tt) => {
  const prefix = freshPrefix();
  const users = createRedisUsers({ redis, prefix, cost: COST });
  const at = new Date('2026-01-05T00:00:00Z');
  const made = await users.create({ username: 'ann', role: 'enterprise', enterpriseId: 'e1', main: true, createdBy: 'cli', password: 'first password' }, at);
  tt.same(made, { username: 'ann', role: 'enterprise', enterpriseId: 'e1', main: true, createdBy: 'cli', createdAt: at.toISOString(), passwordChangedAt: at.toISOString() });
  tt.equal(await users.create({ username: 'ann', role: 'admin', main: false, createdBy: 'cli', password: 'other password' }), undefined, 'the name is taken');
  tt.same(await users.verify('ann', 'first password'), made);
  tt.equal(await users.verify('ann', 'First password'), undefined);
  tt.equal(await users.verify('nobody', 'first password'), undefined, 'unknown names are checked against a dummy hash');
  const [disabled, changed] = await Promise.all([users.setDisabled('ann', true), users.setPassword('ann', 'second password')]);
  tt.type(disabled?.disabledAt, 'string');
  tt.ok(changed);
  const now = await users.get('ann');
  tt.type(now?.disabledAt, 'string', 'a racing password change kept the disable');
  tt.ok(await users.verify('ann', 'second password'), 'and the disable kept the password change');
  tt.same(await users.setDisabled('ann', true, new Date()), now, 'disabling twice keeps the first time');
  tt.notOk('disabledAt' in ((await users.setDisabled('ann', false)) ?? {}), 'enabled again');
  tt.equal(await users.setPassword('ghost', 'whatever pw'), undefined);
  tt.equal(await users.setDisabled('ghost', true), undefined);
  tt.same((await users.list({ enterpriseId: 'e1' })).map((u) => u.username), ['ann']);
  tt.same(await users.list({ enterpriseId: 'e2' }), []);
  const raw = JSON.stringify(await redis.hgetall(`${prefix}users`));
  tt.match(raw, /scrypt\$1024\$8\$1\$/, 'the cost is stored with the hash');
  tt.notMatch(raw, /second password/);
  tt.notMatch(JSON.stringify(await users.list()), /scrypt/);
});

t.test('password hashes: salted, cost kept, malformed ones never match', async (tt) => {
  const a = await hashUserPassword('same', COST);
  const b = await hashUserPassword('same', COST);
  tt.not(a, b, 'a fresh salt each time');
  tt.ok(await verifyUserPassword(a, 'same'));
  tt.ok(await verifyUserPassword(await hashUserPassword('caf\u00e9', COST), 'cafe\u0301'), 'Unicode-normalised (NFC)');
  for (const bad of ['', 'scrypt', 'bcrypt$1$2$3$4$5', 'scrypt$x$8$1$aa$bb', 'scrypt$0$8$1$aa$bb']) tt.notOk(await verifyUserPassword(bad, 'same'), bad);
});

t.test('sessions: hashed keys, idle and absolute expiry by the given clock, cap, deleteAll', async (tt) => {
  const prefix = freshPrefix();
  const sessions = createRedisWebSessions({ redis, prefix, idleMs: 1000, maxMs: 5000, perUser: 2 });
  const t0 = 1_700_000_000_000;
  const a = await sessions.create('ann', t0);
  tt.match(a.session, { username: 'ann', createdAt: t0, lastSeenAt: t0, expiresAt: t0 + 1000 });
  tt.equal(a.dropped, 0);
  const keys = await redis.keys(`${prefix}web-session:*`);
  tt.equal(keys.length, 1);
  tt.notOk(keys[0]?.includes(a.secret), 'the key is the hash, not the secret');
  tt.match(await sessions.touch(a.secret, t0 + 900), { lastSeenAt: t0 + 900, expiresAt: t0 + 1900 });
  tt.equal(await sessions.touch(a.secret, t0 + 1900), undefined, 'idle for the whole idle time');
  tt.equal(await redis.exists(keys[0] ?? ''), 0, 'an expired session is deleted when seen');
  tt.equal(await sessions.touch('x'.repeat(43), t0), undefined);
  tt.equal(await sessions.touch('not a secret', t0), undefined);

  const b = await sessions.create('ann', t0);
  let at = t0;
  while (at + 900 < t0 + 5000) tt.ok(await sessions.touch(b.secret, (at += 900)), `alive at +${at - t0}`);
  tt.equal(await sessions.touch(b.secret, t0 + 5000), undefined, 'absolute expiry');

  const c1 = await sessions.create('bob', t0);
  const c2 = await sessions.create('bob', t0);
  const c3 = await sessions.create('bob', t0);
  tt.equal(c3.dropped, 1, 'the third sign-in ends the oldest');
  tt.equal(await sessions.touch(c1.secret, t0), undefined);
  tt.ok(await sessions.touch(c2.secret, t0));
  tt.equal(await sessions.deleteAll('bob', c3.secret), 1, 'all but the current one');
  tt.equal(await sessions.touch(c2.secret, t0), undefined);
  tt.ok(await sessions.touch(c3.secret, t0));
  await sessions.delete(c3.secret);
  tt.equal(await sessions.touch(c3.secret, t0), undefined);
  tt.equal(await redis.zcard(`${prefix}web-sessions:bob`), 0, 'the index follows');
  tt.equal(await sessions.deleteAll('nobody'), 0);
});
