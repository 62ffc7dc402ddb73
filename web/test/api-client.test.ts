/** The console's API client: problem documents → ApiError with field errors, CSRF on unsafe methods, query strings. */
import t from 'tap';
import { createApi, fieldNameOf, problemToError, withQuery } from '../src/api.js';

t.test('a validation problem document gives field errors keyed by form field', async (tt) => {
  const err = problemToError(400, {
    type: 'urn:hj212:error:APP_ERR_VALIDATION',
    title: 'request does not match the schema',
    status: 400,
    code: 'APP_ERR_VALIDATION',
    detail: 'body/mn: too short',
    errors: [
      { location: 'body', path: '/mn', message: 'too short' },
      { location: 'body', path: '/uploads/0/kind', message: 'invalid enum' },
      { location: 'body', path: '/mn', message: 'second problem of mn' },
      { location: 'body', path: '/', message: 'object-level' },
      { bogus: true },
    ],
  });
  tt.equal(err.status, 400);
  tt.equal(err.code, 'APP_ERR_VALIDATION');
  tt.equal(err.detail, 'body/mn: too short');
  tt.same(err.fieldErrors, { mn: 'too short', 'uploads.0.kind': 'invalid enum', '': 'object-level' });
});

t.test('bodies that are not problem documents still give a usable error', async (tt) => {
  const html = problemToError(502, '<html>bad gateway</html>');
  tt.equal(html.code, 'HTTP_502');
  tt.equal(html.detail, undefined);
  tt.same(html.fieldErrors, {});
  const locked = problemToError(429, { code: 'APP_ERR_RATE_LIMITED', title: 'too many' }, '30');
  tt.equal(locked.retryAfter, 30);
  tt.equal(problemToError(429, null, 'soon').retryAfter, undefined);
});

t.test('JSON pointers become dotted field names', async (tt) => {
  tt.equal(fieldNameOf('/a/b~1c/0'), 'a.b/c.0');
  tt.equal(fieldNameOf('/'), '');
  tt.equal(fieldNameOf(''), '');
});

t.test('query strings skip empty values and repeat arrays', async (tt) => {
  tt.equal(withQuery('/frames', { mn: 'X 1', cn: '', verdict: undefined, limit: 50, raw: null }), '/frames?mn=X+1&limit=50');
  tt.equal(withQuery('/frames', {}), '/frames');
  tt.equal(withQuery('/x?a=1', { b: [1, 2] }), '/x?a=1&b=1&b=2');
});

t.test('unsafe methods carry the CSRF token, reads do not; 401 tells the shell', async (tt) => {
  const seen: { url: string; init: RequestInit | undefined }[] = [];
  const answers = [
    new Response(JSON.stringify({ ok: 1 }), { status: 200 }),
    new Response(null, { status: 204 }),
    new Response(JSON.stringify({ code: 'APP_ERR_UNAUTHENTICATED', title: 'no', status: 401 }), { status: 401 }),
  ];
  const api = createApi({
    fetch: async (url, init) => {
      seen.push({ url, init });
      return answers.shift()!;
    },
  });
  api.setCsrfToken('tok');
  let signedOut = 0;
  api.onUnauthenticated(() => signedOut++);
  tt.same(await api.get('/collectors', { q: 'a' }), { ok: 1 });
  tt.equal(await api.post('/collectors/X/commands', { cn: '1011' }), undefined, '204 gives undefined');
  await tt.rejects(api.del('/tokens/1'), { name: 'ApiError', status: 401, code: 'APP_ERR_UNAUTHENTICATED' });
  tt.equal(signedOut, 1);
  const headers = seen.map((s) => s.init?.headers as Record<string, string>);
  tt.equal(seen[0]!.url, '/collectors?q=a');
  tt.equal(headers[0]!['x-csrf-token'], undefined);
  tt.equal(headers[1]!['x-csrf-token'], 'tok');
  tt.equal(headers[2]!['x-csrf-token'], 'tok');
  tt.equal(seen[1]!.init?.credentials, 'same-origin');
  tt.equal(seen[1]!.init?.body, JSON.stringify({ cn: '1011' }));
});

t.test('a network failure is an ApiError with status 0', async (tt) => {
  const api = createApi({
    fetch: async () => {
      throw new TypeError('fetch failed');
    },
  });
  await tt.rejects(api.get('/x'), { status: 0, code: 'NETWORK' });
});
