/**
 * Sign-in guessing (SECURITY.md "Sign-in guessing"): a flood of wrong passwords locks the user name and the client
 * address with backoff; while locked no password is checked (the right one is refused too) and the answer is 429 with
 * Retry-After; other users are not affected; the lock ends with time (an injected clock). The hash limiter bounds
 * concurrent password checks and answers 503 APP_ERR_BUSY beyond its queue.
 */
import t from 'tap';
import { createHashLimiter } from '../../src/api/hash-limiter.js';
import { createLogger } from '../../src/log.js';
import { asSession, login, makeUser, signIn } from './account-helper.js';
import { body, buildTestApi } from './helper.js';

let clock = Date.parse('2026-01-05T08:00:00Z');
const api = await buildTestApi({ now: () => clock, accounts: { login: { userFailures: 5, addressFailures: 20, lockBaseMs: 60_000, lockMaxMs: 3_600_000 } } });
t.teardown(() => api.close());
await makeUser(api, { username: 'bob', role: 'ops' });
await makeUser(api, { username: 'carol', role: 'ops' });

async function metric(name: string): Promise<string> {
  return (await api.deps.metrics.registry.getSingleMetricAsString(name)).split('\n').filter((l) => !l.startsWith('#')).join('\n');
}

t.test('a flood of wrong passwords locks the user name with Retry-After; the right password is refused meanwhile', async (tt) => {
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) statuses.push((await login(api, 'bob', `guess ${i}`, `10.20.0.${i % 4}`)).statusCode);
  tt.same(statuses.slice(0, 4), [401, 401, 401, 401], 'the first failures are plain 401');
  tt.equal(statuses[4], 401, 'the fifth failure is checked and locks');
  tt.ok(statuses.slice(5).every((s) => s === 429), 'then 429 without checking anything');
  const locked = await login(api, 'bob', 'correct horse', '10.20.9.9');
  tt.equal(locked.statusCode, 429, 'the right password from a fresh address is refused during the lockout');
  tt.equal(body(locked).code, 'APP_ERR_RATE_LIMITED');
  const retry = Number(locked.headers['retry-after']);
  tt.ok(retry > 0 && retry <= 60, `Retry-After ${retry}`);
  tt.equal(locked.headers['set-cookie'], undefined);
  tt.equal((await login(api, 'carol', 'correct horse', '10.20.9.9')).statusCode, 200, 'another user signs in from the same address');
  tt.match(await metric('hj212_logins_total'), /outcome="locked"\} [1-9]/);
  tt.match(await metric('hj212_login_lockouts_total'), /scope="user"\} 1/);

  clock += 61_000;
  const after = await login(api, 'bob', 'correct horse', '10.20.9.9');
  tt.equal(after.statusCode, 200, 'the lock ends with time');
});

t.test('after a lockout the next failure locks at once and for twice as long', async (tt) => {
  tt.equal((await login(api, 'bob', 'guess again', '10.21.0.1')).statusCode, 401);
  const res = await login(api, 'bob', 'correct horse', '10.21.0.2');
  tt.equal(res.statusCode, 429);
  tt.ok(Number(res.headers['retry-after']) > 60, `Retry-After ${String(res.headers['retry-after'])} doubled`);
  tt.equal((await login(api, 'bob', 'correct horse', '10.20.9.9')).statusCode, 200, 'an address bob signed in from is trusted for bob');
  clock += 121_000;
});

t.test('a flood from one address over many user names locks the address', async (tt) => {
  const statuses: number[] = [];
  for (let i = 0; i < 25; i++) statuses.push((await login(api, `user${i}`, 'guess guess', '10.22.0.1')).statusCode);
  tt.equal(statuses.filter((s) => s === 401).length, 20, 'twenty checked failures');
  tt.ok(statuses.slice(20).every((s) => s === 429), 'then the address is locked');
  tt.equal((await login(api, 'carol', 'correct horse', '10.22.0.1')).statusCode, 429, 'for every user name');
  tt.equal((await login(api, 'carol', 'correct horse', '10.22.0.2')).statusCode, 200, 'other addresses are not affected');
  tt.match(await metric('hj212_login_lockouts_total'), /scope="address"\} 1/);
});

t.test('wrong current passwords on POST /auth/password count like failed sign-ins', async (tt) => {
  await makeUser(api, { username: 'dave', role: 'reader' });
  const s = await signIn(api, 'dave', 'correct horse', '10.23.0.1');
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) {
    statuses.push((await asSession(api, s, { method: 'POST', url: '/auth/password', payload: { currentPassword: `guess ${i}`, newPassword: 'new password' }, remoteAddress: `10.23.1.${i}` })).statusCode);
  }
  tt.same(statuses.slice(0, 5), [403, 403, 403, 403, 403]);
  tt.ok(statuses.slice(5).every((x) => x === 429), `then locked: ${statuses.join(' ')}`);
});

t.test('disabled accounts cannot sign in, with the same answer as a wrong password', async (tt) => {
  await makeUser(api, { username: 'erin', role: 'reader' });
  const s = await signIn(api, 'erin', 'correct horse', '10.24.0.1');
  await api.deps.accounts?.users.setDisabled('erin', true);
  tt.equal((await asSession(api, s, { url: '/auth/me' })).statusCode, 401, 'its live session stops');
  const res = await login(api, 'erin', 'correct horse', '10.24.0.2');
  tt.equal(res.statusCode, 401);
  tt.match(body(res), { code: 'APP_ERR_UNAUTHENTICATED', detail: 'wrong user name or password' });
});

t.test('the hash limiter runs at most `concurrency` checks, queues `queue` more and refuses the rest with APP_ERR_BUSY', async (tt) => {
  const limit = createHashLimiter({ concurrency: 2, queue: 3 });
  let running = 0;
  let peak = 0;
  const gates: Array<() => void> = [];
  const work = () =>
    limit(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      return 'done';
    });
  const results = Array.from({ length: 100 }, () => work().then((v) => v, (err: { code?: string }) => err.code));
  while (gates.length < 2) await new Promise((resolve) => setImmediate(resolve));
  for (let released = 0; released < 5; released++) {
    while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
    gates.shift()?.();
  }
  const settled = await Promise.all(results);
  tt.equal(settled.filter((r) => r === 'done').length, 5, 'two running + three queued');
  tt.equal(settled.filter((r) => r === 'APP_ERR_BUSY').length, 95, 'the rest refused at once');
  tt.equal(peak, 2, 'never more than two at once');
});

t.test('failed sign-ins are logged as one summary line, never with the password', async (tt) => {
  const lines: string[] = [];
  const logged = await buildTestApi({ logger: createLogger('info', { write: (line: string) => void lines.push(line) }) });
  await makeUser(logged, { username: 'fay', role: 'reader' });
  for (let i = 0; i < 30; i++) await login(logged, 'fay', `secret guess ${i}`, `10.40.0.${i % 3}`);
  await logged.close();
  const summaries = lines.map((l) => JSON.parse(l) as { msg: string; failures?: number; addresses?: number }).filter((e) => e.msg === 'failed sign-ins');
  tt.equal(summaries.length, 1, 'one summary line for the flood');
  tt.match(summaries[0], { failures: 5, addresses: 3 }, 'counts and addresses (only checked failures count; locked attempts are metrics)');
  tt.notMatch(lines.join('\n'), /secret guess/, 'never a password');
  tt.match(lines.join('\n'), /"msg":"sign-in lockout"/, 'the lockout itself is logged');
});
