/**
 * `hj212 user` through the package's bin against real Redis (fresh prefix): the password read from stdin, never
 * printed or stored in clear; usage errors name the flag; every change audited; disable and reset end sessions.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import t from 'tap';
import { createRedisAudit } from '../../src/storage/redis/audit.js';
import { createRedisCatalog } from '../../src/storage/redis/catalog.js';
import { createRedisUsers } from '../../src/storage/redis/users.js';
import { createRedisWebSessions } from '../../src/storage/redis/web-sessions.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';

const BIN = fileURLToPath(new URL('../../src/cli/hj212.js', import.meta.url));
const prefix = freshPrefix();
const redis = new Redis(redisUrl());
const users = createRedisUsers({ redis, prefix });
const sessions = createRedisWebSessions({ redis, prefix, idleMs: 1_800_000, maxMs: 43_200_000, perUser: 10 });
const audit = createRedisAudit({ redis, prefix });
t.teardown(() => redis.quit());

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function user(args: string[], stdin = ''): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, 'user', ...args], { env: { ...process.env, HJ212_REDIS_URL: redisUrl(), HJ212_REDIS_PREFIX: prefix } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin);
  });
}

t.test('create reads the password from stdin; it verifies; neither password nor hash is printed', async (tt) => {
  const res = await user(['create', 'admin', '--role', 'admin'], 'first admin pw\n');
  tt.equal(res.code, 0, res.stderr);
  tt.match(JSON.parse(res.stdout), { username: 'admin', role: 'admin', main: false, createdBy: 'cli' });
  tt.notMatch(res.stdout + res.stderr, /first admin pw|scrypt/);
  tt.match(await users.verify('admin', 'first admin pw'), { username: 'admin' });
  tt.equal(await users.verify('admin', 'first admin pw\n'), undefined, 'the line end is not part of the password');
  tt.notMatch(JSON.stringify(await redis.hgetall(`${prefix}users`)), /first admin pw/, 'stored only as a hash');
  tt.match(await audit.list({ entity: { type: 'user', id: 'admin' }, limit: 10 }), [{ action: 'create', actor: { tokenId: 'cli', role: 'cli' } }]);
  const again = await user(['create', 'admin', '--role', 'ops'], 'another pw 123\n');
  tt.equal(again.code, 1);
  tt.match(again.stderr, /user admin exists/);
});

t.test('usage errors exit 2 and name the flag or argument', async (tt) => {
  const cases: Array<[string[], string, RegExp]> = [
    [['create', 'x1'], 'long enough\n', /--role must be one of/],
    [['create', 'x1', '--role', 'enterprise'], 'long enough\n', /--enterprise is required/],
    [['create', 'x1', '--role', 'ops', '--main'], 'long enough\n', /--main applies to --role enterprise only/],
    [['create', '-x', '--role', 'ops'], 'long enough\n', /./],
    [['create', 'bad name!', '--role', 'ops'], 'long enough\n', /<username> must be/],
    [['create', 'x1', '--role', 'ops'], 'short\n', /at least 8 bytes/],
    [['create', 'x1', '--role', 'ops'], `${'x'.repeat(300)}\n`, /at most 256 bytes/],
    [['disable'], '', /missing <username>/],
    [['disable', 'admin', '--role', 'ops'], '', /apply to create only/],
    [['frobnicate'], '', /unknown command frobnicate/],
    [['list', '--bogus'], '', /--bogus/],
  ];
  for (const [args, stdin, message] of cases) {
    const res = await user(args, stdin);
    tt.equal(res.code, 2, args.join(' '));
    tt.match(res.stderr, message, args.join(' '));
  }
  tt.equal(await users.get('x1'), undefined, 'nothing was created');
  const help = await user(['--help']);
  tt.equal(help.code, 0);
  tt.match(help.stdout, /hj212 user create <username> --role[^]*reset-password/);
});

t.test('enterprise accounts need an existing enterprise; --main makes a main account', async (tt) => {
  const missing = await user(['create', 'acme', '--role', 'enterprise', '--enterprise', 'nope'], 'long enough\n');
  tt.equal(missing.code, 1);
  tt.match(missing.stderr, /no enterprise nope/);
  const now = new Date().toISOString();
  await createRedisCatalog({ redis, prefix }).putEnterprise({ id: 'e1', name: 'ACME', enabled: true, createdAt: now, updatedAt: now });
  const ok = await user(['create', 'acme', '--role', 'enterprise', '--enterprise', 'e1', '--main'], 'long enough\n');
  tt.equal(ok.code, 0, ok.stderr);
  tt.match(JSON.parse(ok.stdout), { role: 'enterprise', enterpriseId: 'e1', main: true });
  const list = await user(['list']);
  tt.equal(list.code, 0);
  tt.same((JSON.parse(list.stdout) as Array<{ username: string }>).map((u) => u.username), ['admin', 'acme']);
  tt.notMatch(list.stdout, /scrypt|hash/i);
});

t.test('disable and reset-password end the sessions; each change is audited once', async (tt) => {
  const s = await sessions.create('acme', Date.now());
  const disabled = await user(['disable', 'acme']);
  tt.equal(disabled.code, 0, disabled.stderr);
  tt.type((JSON.parse(disabled.stdout) as { disabledAt?: string }).disabledAt, 'string');
  tt.equal(await sessions.touch(s.secret, Date.now()), undefined, 'its session ended');
  tt.equal((await user(['disable', 'acme'])).code, 0, 'disabling twice is harmless');
  tt.equal((await user(['enable', 'acme'])).code, 0);
  const s2 = await sessions.create('acme', Date.now());
  const reset = await user(['reset-password', 'acme'], 'a new password\n');
  tt.equal(reset.code, 0, reset.stderr);
  tt.equal(await sessions.touch(s2.secret, Date.now()), undefined, 'the reset ended the session');
  tt.match(await users.verify('acme', 'a new password'), { username: 'acme' });
  tt.equal(await users.verify('acme', 'long enough'), undefined);
  const trail = await audit.list({ entity: { type: 'user', id: 'acme' }, limit: 10 });
  tt.same(trail.map((e) => e.action), ['password', 'enable', 'disable', 'create']);
  tt.notMatch(JSON.stringify(trail), /a new password|scrypt/);
  const missing = await user(['reset-password', 'ghost'], 'a new password\n');
  tt.equal(missing.code, 1);
  tt.match(missing.stderr, /no user ghost/);
});

t.test('Redis unreachable: exit 1 with the reason', async (tt) => {
  const res = await new Promise<Result>((resolve) => {
    const child = execFile(process.execPath, [BIN, 'user', 'list'], { env: { ...process.env, HJ212_REDIS_URL: 'redis://127.0.0.1:1' } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
  tt.equal(res.code, 1);
  tt.match(res.stderr, /^user: Redis unreachable: .*ECONNREFUSED/);
  tt.notMatch(res.stderr, /Unhandled error/);
});
