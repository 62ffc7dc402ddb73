/** `hj212 token` as a child process against real Redis (fresh prefix), checked through the token store and audit log. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import t from 'tap';
import { createRedisAudit } from '../../src/storage/redis/audit.js';
import { createRedisCatalog } from '../../src/storage/redis/catalog.js';
import { createRedisTokens } from '../../src/storage/redis/tokens.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';

const MAIN = fileURLToPath(new URL('../../src/cli/token-command-main.js', import.meta.url));
const prefix = freshPrefix();
const redis = new Redis(redisUrl());
const tokens = createRedisTokens({ redis, prefix });
const audit = createRedisAudit({ redis, prefix });
t.teardown(() => redis.quit());

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function token(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, HJ212_REDIS_URL: redisUrl(), HJ212_REDIS_PREFIX: prefix, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

t.test('create prints the secret once; it verifies; no hash is printed', async (tt) => {
  const res = await token(['create', '--role', 'admin', '--name', 'root']);
  tt.equal(res.code, 0, res.stderr);
  const { token: secret, record } = JSON.parse(res.stdout) as { token: string; record: { id: string } };
  tt.match(secret, /^hj212_/);
  tt.match(res.stderr, /shown once/);
  tt.notMatch(res.stdout + res.stderr, /[0-9a-f]{64}/, 'no hash');
  tt.match(await tokens.verify(secret), { id: record.id, role: 'admin', name: 'root', createdBy: 'cli' });
  tt.match(await audit.list({ entity: { type: 'token', id: record.id }, limit: 10 }), [{ action: 'create', actor: { tokenId: 'cli', role: 'cli' } }]);
});

t.test('enterprise tokens need an existing enterprise and are main accounts', async (tt) => {
  tt.equal((await token(['create', '--role', 'enterprise'])).code, 2, '--enterprise missing');
  tt.equal((await token(['create', '--role', 'ops', '--enterprise', 'e1'])).code, 2, '--enterprise on a non-enterprise role');
  const missing = await token(['create', '--role', 'enterprise', '--enterprise', 'nope']);
  tt.equal(missing.code, 1);
  tt.match(missing.stderr, /no enterprise nope/);
  const now = new Date().toISOString();
  await createRedisCatalog({ redis, prefix }).putEnterprise({ id: 'e1', name: 'ACME', enabled: true, createdAt: now, updatedAt: now });
  const ok = await token(['create', '--role', 'enterprise', '--enterprise', 'e1']);
  tt.equal(ok.code, 0, ok.stderr);
  tt.match(JSON.parse(ok.stdout), { record: { role: 'enterprise', enterpriseId: 'e1', main: true } });
});

t.test('list shows records without secrets or hashes; revoke works once and is audited once', async (tt) => {
  const list = await token(['list']);
  tt.equal(list.code, 0);
  const records = JSON.parse(list.stdout) as Array<{ id: string; role: string }>;
  tt.same(records.map((r) => r.role), ['admin', 'enterprise']);
  tt.notMatch(list.stdout, /hj212_|[0-9a-f]{64}/);
  const id = records[0]?.id ?? '';
  const revoked = await token(['revoke', id]);
  tt.equal(revoked.code, 0, revoked.stderr);
  tt.type(JSON.parse(revoked.stdout).revokedAt, 'string');
  tt.equal((await token(['revoke', id])).code, 0, 'revoking again is harmless');
  tt.same((await audit.list({ entity: { type: 'token', id }, limit: 10 })).map((e) => e.action), ['revoke', 'create']);
  tt.equal((await token(['revoke', 'nope'])).code, 1);
});

t.test('usage errors and an unreachable Redis', async (tt) => {
  tt.equal((await token([])).code, 2);
  tt.equal((await token(['frobnicate'])).code, 2);
  tt.equal((await token(['create', '--role', 'king'])).code, 2);
  tt.equal((await token(['create', '--role', 'admin', '--colour', 'red'])).code, 2);
  const help = await token(['--help']);
  tt.equal(help.code, 0);
  tt.match(help.stdout, /hj212 token create/);
  const down = await token(['list'], { HJ212_REDIS_URL: 'redis://127.0.0.1:9' });
  tt.equal(down.code, 1);
  tt.match(down.stderr, /ECONNREFUSED|connect/);
});
