/**
 * The OpenAPI document: OpenAPI 3.1, every route present, security on all but /health, /ready and /auth/login, every schema a
 * valid JSON Schema 2020-12 (the dialect OpenAPI 3.1 uses), every $ref resolvable.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import t from 'tap';
import { body, buildTestApi } from './helper.js';

const api = await buildTestApi();
t.teardown(() => api.close());

interface Operation {
  security?: Array<Record<string, unknown>>;
  responses?: Record<string, unknown>;
  description?: string;
  parameters?: unknown[];
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
}

const res = await api.call(undefined, { url: '/docs/json' });
const doc = body<Document>(res);

const EXPECTED = [
  'get /health',
  'get /ready',
  'get /metrics',
  'get /me',
  'post /tokens',
  'get /tokens',
  'delete /tokens/{id}',
  'post /enterprises',
  'get /enterprises',
  'get /enterprises/{id}',
  'patch /enterprises/{id}',
  'post /sites',
  'get /sites',
  'get /sites/{id}',
  'patch /sites/{id}',
  'post /sites/{id}/points',
  'get /sites/{id}/points',
  'get /points/{id}',
  'patch /points/{id}',
  'post /points/{id}/items',
  'get /points/{id}/items',
  'get /items/{id}',
  'patch /items/{id}',
  'post /collectors',
  'get /collectors',
  'get /collectors/{mn}',
  'patch /collectors/{mn}',
  'put /collectors/{mn}/password',
  'get /pending-devices',
  'post /pending-devices/{mn}/register',
  'get /status',
  'get /collectors/{mn}/status',
  'get /audit',
  'get /audit/{type}/{id}',
  'get /readings',
  'get /readings/csv',
  'get /collectors/{mn}/latest',
  'post /collectors/{mn}/commands',
  'get /commands',
  'get /commands/{id}',
  'get /frames',
  'post /auth/login',
  'get /auth/me',
  'post /auth/logout',
  'post /auth/password',
  'get /users',
  'post /users',
  'post /users/{username}/disable',
  'post /users/{username}/enable',
  'post /users/{username}/password',
];

t.test('served as JSON, OpenAPI 3.1 with bearer security scheme', async (tt) => {
  tt.equal(res.statusCode, 200);
  tt.match(doc.openapi, /^3\.1\.\d+$/);
  tt.match(doc.info, { title: String, version: String });
  tt.match(doc.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer' });
  tt.match(doc.components.securitySchemes.sessionCookie, { type: 'apiKey', in: 'cookie', name: 'hj212_session' });
  tt.equal((await api.call(undefined, { url: '/docs' })).statusCode < 400, true, 'the UI is served');
});

t.test('every route is documented, nothing else', async (tt) => {
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
  tt.same(documented.sort(), [...EXPECTED].sort());
});

t.test('security on every route but health, ready and sign-in, roles in the description, errors documented', async (tt) => {
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const open = path === '/health' || path === '/ready' || path === '/auth/login';
      if (open) {
        tt.same(op.security, [], `${method} ${path} is public`);
        continue;
      }
      tt.same(op.security, [{ bearerAuth: [] }, { sessionCookie: [] }], 'a bearer token or the session cookie');
      tt.match(op.description, /Roles: [a-z, ]+\./, `${method} ${path} lists its roles`);
      tt.match(op.responses, { 400: { content: { 'application/problem+json': Object } }, 401: Object, 403: Object, 500: Object, 503: Object }, `${method} ${path} documents problem responses per status`);
      tt.notOk(Object.keys(op.responses ?? {}).some((k) => /XX$/i.test(k)), `${method} ${path}: no lumped 4XX/5XX`);
    }
  }
  tt.match(doc.paths['/readings']?.get?.description, /Roles: admin, ops, regulator, enterprise, reader\./);
  tt.match(doc.paths['/enterprises']?.post?.description, /Roles: admin, ops\./);
});

t.test('every schema compiles as JSON Schema 2020-12 and every $ref resolves', async (tt) => {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  const refs = new Set<string>();
  const schemas: unknown[] = [];
  const walk = (node: unknown, inSchema: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, inSchema));
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') refs.add(value);
      else if (key === 'schema' && !inSchema) schemas.push(value);
      walk(value, inSchema || key === 'schema');
    }
  };
  walk(doc.paths, false);
  tt.ok(schemas.length > 50, `${schemas.length} schemas in paths`);
  for (const ref of refs) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
    tt.ok(name && doc.components.schemas[name], `${ref} resolves`);
  }
  ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
  for (const schema of [...schemas, ...Object.values(doc.components.schemas)]) {
    const rebased = JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, '"doc#/components')) as object;
    tt.doesNotThrow(() => ajv.compile(rebased));
  }
});
