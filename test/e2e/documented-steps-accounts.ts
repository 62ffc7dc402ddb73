/**
 * Documented-commands steps for operator accounts (README "HTTP API", docs/api.md "Accounts and sessions"): each
 * `hj212 user` command exactly as written, the password typed on its stdin, its effect checked by signing in over
 * HTTP against the started system.
 */
import { readFileSync } from 'node:fs';
import type { Test } from 'tap';
import type { Run } from './doc-commands.js';
import type { Ctx, Step } from './documented-steps.js';

/** The password docs/api.md's curl sign-in sends for `admin`. */
const ADMIN_PASSWORD = 'correct horse battery';
const COOKIE_JAR = '/tmp/hj212-cookies';

function ok(t: Test, r: Run): void {
  t.equal(r.code, 0, `exit 0${r.code === 0 ? '' : `: ${r.stderr}`}`);
}

/** POST /auth/login; the status, the body and the session cookie's value. */
async function signIn(ctx: Ctx, username: string, password: string): Promise<{ status: number; body: Record<string, unknown>; cookie?: string }> {
  const res = await fetch(`${ctx.api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const cookie = /hj212_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, cookie };
}

async function me(ctx: Ctx, cookie: string | undefined): Promise<number> {
  return (await fetch(`${ctx.api}/auth/me`, { headers: { cookie: `hj212_session=${cookie ?? ''}` } })).status;
}

export const ACCOUNT_STEPS: Step[] = [
  {
    cmd: 'npx hj212 user create admin --role admin',
    stdin: `${ADMIN_PASSWORD}\n`,
    async check(r, ctx, t) {
      ok(t, r);
      t.match(JSON.parse(r.stdout), { username: 'admin', role: 'admin', main: false, createdBy: 'cli' });
      t.notMatch(r.stdout + r.stderr, /scrypt|correct horse/, 'neither hash nor password printed');
      const s = await signIn(ctx, 'admin', ADMIN_PASSWORD);
      t.equal(s.status, 200, 'the admin signs in with the typed password');
      t.equal(await me(ctx, s.cookie), 200, 'the session cookie works');
      t.equal((await signIn(ctx, 'admin', 'not the password')).status, 401);
    },
  },
  {
    cmd: 'npx hj212 user create acme-main --role enterprise --enterprise <id> --main',
    stdin: 'acme main pass\n',
    async before(ctx, t) {
      const res = await ctx.http('/enterprises', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ACME accounts' }) });
      t.equal(res.status, 201, 'enterprise created over the API');
      ctx.vars['<id>'] = (res.json() as { id: string }).id;
    },
    async check(r, ctx, t) {
      ok(t, r);
      const s = await signIn(ctx, 'acme-main', 'acme main pass');
      t.equal(s.status, 200);
      t.match(s.body, { user: { username: 'acme-main', role: 'enterprise', enterpriseId: ctx.vars['<id>'], main: true } }, 'a main account of that enterprise');
      ctx.state.acmeCookie = s.cookie ?? '';
    },
  },
  {
    cmd: 'npx hj212 user list',
    async check(r, _ctx, t) {
      ok(t, r);
      const users = JSON.parse(r.stdout) as Array<{ username: string }>;
      t.same(users.map((u) => u.username).sort(), ['acme-main', 'admin']);
      t.notMatch(r.stdout, /scrypt|hash/i, 'never a hash');
    },
  },
  {
    cmd: 'npx hj212 user reset-password acme-main',
    stdin: 'acme new pass\n',
    async check(r, ctx, t) {
      ok(t, r);
      t.equal(await me(ctx, ctx.state.acmeCookie), 401, 'the reset ended the session');
      t.equal((await signIn(ctx, 'acme-main', 'acme main pass')).status, 401, 'the old password is gone');
      t.equal((await signIn(ctx, 'acme-main', 'acme new pass')).status, 200, 'the new one works');
    },
  },
  {
    cmd: 'npx hj212 user disable acme-main',
    async check(r, ctx, t) {
      ok(t, r);
      t.type((JSON.parse(r.stdout) as { disabledAt?: string }).disabledAt, 'string');
      t.equal((await signIn(ctx, 'acme-main', 'acme new pass')).status, 401, 'a disabled account cannot sign in');
    },
  },
  {
    cmd: 'npx hj212 user enable acme-main',
    async check(r, ctx, t) {
      ok(t, r);
      t.equal((await signIn(ctx, 'acme-main', 'acme new pass')).status, 200, 'enabled again');
      const trail = await ctx.http('/audit/user/acme-main');
      t.same((trail.json() as { entries: Array<{ action: string }> }).entries.map((e) => e.action), ['enable', 'disable', 'password', 'create'], 'each change audited');
    },
  },
  {
    cmd: `curl -s -c ${COOKIE_JAR} -H 'content-type: application/json' -d '{"username":"admin","password":"${ADMIN_PASSWORD}"}' http://127.0.0.1:8080/auth/login`,
    async check(r, _ctx, t) {
      ok(t, r);
      t.match(JSON.parse(r.stdout), { user: { username: 'admin', role: 'admin' }, csrfToken: /^[A-Za-z0-9_-]{43}$/ });
      t.match(readFileSync(COOKIE_JAR, 'utf8'), /#HttpOnly_127\.0\.0\.1\s.*\shj212_session\s[A-Za-z0-9_-]{43}/, 'curl stored the HttpOnly session cookie');
    },
  },
  {
    cmd: `curl -s -b ${COOKIE_JAR} http://127.0.0.1:8080/auth/me`,
    async check(r, _ctx, t) {
      ok(t, r);
      t.match(JSON.parse(r.stdout), { user: { username: 'admin', role: 'admin' } }, 'the stored cookie signs the request in');
    },
  },
];
