/**
 * The web console served by the API (src/api/console.ts): index.html at /, hashed assets from memory with their
 * types and cache headers, CSP and friends, 404 for anything not in the build (traversal included), a clear 503
 * when the console is not built, and nothing of it in the OpenAPI document.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { CONSOLE_MAX_FILES, loadConsole } from '../../src/api/console.js';
import { buildTestApi } from './helper.js';

const dir = mkdtempSync(join(tmpdir(), 'hj212-console-'));
mkdirSync(join(dir, 'assets'));
const INDEX = '<!doctype html><html lang="zh-CN"><head><script type="module" src="/assets/index-Abc123.js"></script></head><body><div id="app"></div></body></html>';
writeFileSync(join(dir, 'index.html'), INDEX);
writeFileSync(join(dir, 'assets', 'index-Abc123.js'), 'console.log("console");');
writeFileSync(join(dir, 'assets', 'index-Def456.css'), 'body{margin:0}');
// A file next to dist/console that must never be served through /assets.
writeFileSync(join(dir, 'secret.txt'), 'not for the web');

const api = await buildTestApi({ consoleDir: dir });
const missing = await buildTestApi({ consoleDir: join(dir, 'nope') });
t.teardown(async () => {
  await api.close();
  await missing.close();
  rmSync(dir, { recursive: true, force: true });
});

t.test('GET / answers index.html, never cached, with the security headers', async (tt) => {
  const res = await api.call(undefined, { url: '/' });
  tt.equal(res.statusCode, 200);
  tt.match(res.headers['content-type'], /^text\/html; charset=utf-8/);
  tt.equal(res.body, INDEX);
  tt.equal(res.headers['cache-control'], 'no-cache');
  const csp = String(res.headers['content-security-policy']);
  tt.match(csp, /default-src 'self'/);
  tt.match(csp, /frame-ancestors 'none'/);
  tt.notMatch(csp, /unsafe-inline|unsafe-eval/, 'no inline scripts or styles allowed');
  tt.equal(res.headers['x-content-type-options'], 'nosniff');
  tt.equal(res.headers['x-frame-options'], 'DENY');
});

t.test('assets are served with their type and an immutable cache', async (tt) => {
  const js = await api.call(undefined, { url: '/assets/index-Abc123.js' });
  tt.equal(js.statusCode, 200);
  tt.match(js.headers['content-type'], /^text\/javascript/);
  tt.equal(js.body, 'console.log("console");');
  tt.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
  tt.equal(js.headers['x-content-type-options'], 'nosniff');
  const css = await api.call(undefined, { url: '/assets/index-Def456.css' });
  tt.match(css.headers['content-type'], /^text\/css/);
});

t.test('HEAD works like GET without a body', async (tt) => {
  const index = await api.call(undefined, { method: 'HEAD', url: '/' });
  tt.equal(index.statusCode, 200);
  tt.equal(index.body, '');
  tt.match(index.headers['content-type'], /^text\/html/);
  const asset = await api.call(undefined, { method: 'HEAD', url: '/assets/index-Abc123.js' });
  tt.equal(asset.statusCode, 200);
  tt.equal(asset.body, '');
});

t.test('unknown assets and traversal attempts are 404 problem documents', async (tt) => {
  for (const url of [
    '/assets/missing.js',
    '/assets/',
    '/assets/../secret.txt',
    '/assets/..%2Fsecret.txt',
    '/assets/%2e%2e/secret.txt',
    '/assets/..%5Csecret.txt',
    '/assets/%2Fetc%2Fpasswd',
    '/assets/index-Abc123.js%00.css',
    '/secret.txt',
  ]) {
    const res = await api.call(undefined, { url });
    tt.equal(res.statusCode, 404, url);
    tt.match(res.headers['content-type'], /^application\/problem\+json/, url);
    tt.notMatch(res.body, /not for the web/, `${url}: file outside the build not served`);
  }
});

t.test('the API routes still need their tokens beside the public console', async (tt) => {
  tt.equal((await api.call(undefined, { url: '/collectors' })).statusCode, 401);
  tt.equal((await api.call(api.token.admin, { url: '/collectors' })).statusCode, 200);
});

t.test('without a built console, GET / says to run npm run build', async (tt) => {
  const res = await missing.call(undefined, { url: '/' });
  tt.equal(res.statusCode, 503);
  tt.match(res.headers['content-type'], /^application\/problem\+json/);
  tt.match(res.json(), { code: 'APP_ERR_CONSOLE_NOT_BUILT', title: /npm run build/ });
  tt.equal((await missing.call(undefined, { url: '/assets/index-Abc123.js' })).statusCode, 404);
});

t.test('the console routes are not in the OpenAPI document', async (tt) => {
  const doc = (await api.call(undefined, { url: '/docs/json' })).json<{ paths: Record<string, unknown> }>();
  tt.notOk('/' in doc.paths);
  tt.notOk(Object.keys(doc.paths).some((p) => p.startsWith('/assets')));
});

t.test('loading is bounded: too many assets are refused at start', async (tt) => {
  const big = mkdtempSync(join(tmpdir(), 'hj212-console-big-'));
  tt.teardown(() => rmSync(big, { recursive: true, force: true }));
  mkdirSync(join(big, 'assets'));
  writeFileSync(join(big, 'index.html'), '<!doctype html>');
  for (let i = 0; i <= CONSOLE_MAX_FILES; i++) writeFileSync(join(big, 'assets', `a${i}.js`), '');
  tt.throws(() => loadConsole(big), /more than 1000 assets/);
  tt.equal(loadConsole(join(big, 'nope')), undefined, 'no index.html: nothing to serve');
});
