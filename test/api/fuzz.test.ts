/**
 * API fuzzing (issue 8): for every operation of the OpenAPI document, fast-check generates requests — path
 * parameters, query strings, bodies and headers, both random and shaped by the operation's own JSON schemas — with
 * valid tokens of several roles and with bad ones, against the real Redis and InfluxDB. Whatever comes in: never a
 * 5xx, never a stack trace or an internal message, and every error is a JSON problem document with an APP_ERR code.
 *
 * Bounded: RUNS requests per operation (HJ212_FUZZ_RUNS overrides). On failure fast-check prints the seed and the
 * shrunk request; replay with HJ212_FUZZ_SEED=<seed>.
 */
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import t from 'tap';
import { body } from './helper.js';
import { MN_A, buildLedgerApi } from './ledger-helper.js';

const RUNS = Number(process.env.HJ212_FUZZ_RUNS ?? 60);
const SEED = process.env.HJ212_FUZZ_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.HJ212_FUZZ_SEED);

// The API with every optional route family (the ledgers too); `api` is its plain twin on the same stores.
const full = await buildLedgerApi(Date.parse('2024-06-01T00:00:00+08:00'));
const { api } = full;
t.teardown(() => full.close());

type Schema = Record<string, unknown>;
interface Parameter {
  in: string;
  name: string;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const doc = body<Document>(await full.call(undefined, { url: '/docs/json' }));

// Real records, so schema-shaped requests also reach the handlers' deeper branches.
const created = (url: string, payload: Record<string, unknown>) => api.create<Record<string, string>>(url, payload);
const MN = '010000A8900016F000169DC0';
const enterprise = await created('/enterprises', { name: 'Fuzz Co' });
const site = await created('/sites', { enterpriseId: enterprise.id ?? '', name: 'Plant' });
const point = await created(`/sites/${site.id}/points`, { name: 'Outfall', st: '32' });
const item = await created(`/points/${point.id}/items`, { factor: 'w01018', mode: 'manual' });
await created('/collectors', { mn: MN, password: 'x1y2z3', pointId: point.id });
const victim = await api.deps.tokens.create({ name: 'revocable', role: 'reader', main: false, createdBy: 'fuzz' });
const enterpriseToken = await api.enterpriseToken(enterprise.id ?? '');
await api.writeLines([`hour,mn=${MN},factor=w01018,st=32 avg=1,flag="N",raw="Avg=1,Flag=N" ${Date.parse('2024-05-01T00:00:00+08:00')}`]);

const knownIds = [enterprise.id, site.id, point.id, item.id, MN, victim.record.id, 'site', 'collector', 'token', MN_A, `ent-${MN_A}`, `item-${MN_A}`, '2024-05', '2024-05-10'].filter((v): v is string => v !== undefined);

const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const isoTime = fc
  .tuple(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), fc.constantFrom('Z', '+08:00', '-05:30', ''))
  .map(([d, zone]) => d.toISOString().replace('Z', zone));
const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 3 }), text, fc.integer(), fc.double(), fc.constant(null));

/** Strings the schema accepts: its pattern when fast-check can generate from it, else its length bounds. */
function valid(schema: Schema): fc.Arbitrary<string> {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? Math.min(schema.maxLength, 64) : 32;
  if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern)).filter((v) => v.length >= minLength && v.length <= maxLength + 200);
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
}

/** An arbitrary value shaped by a JSON Schema (the subset zod emits), with a few off-schema values mixed in. */
function shaped(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return jsonish;
  const ref = schema.$ref;
  if (typeof ref === 'string') return shaped(doc.components.schemas[ref.replace('#/components/schemas/', '')], depth + 1);
  const options = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (options) return fc.oneof(...options.map((s) => shaped(s, depth + 1)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      const fields = Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, shaped(s, depth + 1)]));
      return fc.record(fields, { requiredKeys: [...required].filter((k) => k in fields) });
    }
    case 'array':
      return fc.array(shaped(schema.items as Schema | undefined, depth + 1), { maxLength: 4 });
    case 'string':
      if (schema.format === 'date-time') return isoTime;
      return fc.oneof(valid(schema), text, fc.constantFrom(...knownIds), fc.constantFrom('w01018', 'hour', 'Asia/Shanghai', 'true', '0', '-1', '1e309'));
    case 'integer':
      return fc.oneof(fc.integer(), fc.integer({ min: -1, max: 100_000 }));
    case 'number':
      return fc.oneof(fc.double(), fc.integer());
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return jsonish;
  }
}

/** A query-string value: schema-shaped values as text, or junk. */
const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');
const queryValue = (schema: Schema | undefined): fc.Arbitrary<string> => fc.oneof(shaped(schema).map(asText), text, fc.constant(''));

const authorization = fc.oneof(
  { arbitrary: fc.constant(`Bearer ${api.token.admin}`), weight: 4 },
  { arbitrary: fc.constantFrom(`Bearer ${api.token.reader}`, `Bearer ${enterpriseToken.secret}`, `Bearer ${api.token.regulator}`), weight: 2 },
  fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', `bearer ${api.token.admin}x`, 'Bearer hj212_', `Bearer ${'a'.repeat(5000)}`),
  text.map((s) => `Bearer ${s}`),
);
const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 4 },
  fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined),
);
const accept = fc.constantFrom(undefined, 'application/json', 'text/csv', '*/*', 'text/html', 'application/xml');

interface Generated {
  /** Client address: failed authentications are rate-limited per address, so bad tokens come from many. */
  remoteAddress: string;
  path: Record<string, string>;
  query: Array<[string, string]>;
  body: { kind: 'json'; value: unknown } | { kind: 'raw'; value: string } | { kind: 'none' };
  authorization: string;
  contentType: string | undefined;
  accept: string | undefined;
}

function requestsFor(path: string, operation: Operation): fc.Arbitrary<Generated> {
  const params = operation.parameters ?? [];
  const pathParams = Object.fromEntries(
    [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => {
      const schema = params.find((p) => p.in === 'path' && p.name === name)?.schema;
      return [name ?? '', fc.oneof(fc.constantFrom(...knownIds), shaped(schema).map(asText), text)];
    }),
  );
  const queryParams = params.filter((p) => p.in === 'query');
  const query = fc
    .tuple(
      fc.subarray(queryParams).chain((chosen) => fc.tuple(...chosen.map((p) => queryValue(p.schema).map((v): [string, string] => [p.name, v])))),
      fc.array(fc.tuple(text, text), { maxLength: 2 }),
    )
    .map(([known, junk]) => [...known, ...junk]);
  const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
  const requestBody = fc.oneof(
    shaped(bodySchema).map((value) => ({ kind: 'json' as const, value })),
    jsonish.map((value) => ({ kind: 'json' as const, value })),
    fc.oneof(text, fc.constantFrom('{', '{"a":', '[1,2', 'null', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}')).map((value) => ({ kind: 'raw' as const, value })),
    fc.constant({ kind: 'none' as const }),
  );
  return fc.record({ remoteAddress: fc.ipV4(), path: fc.record(pathParams), query, body: requestBody, authorization, contentType, accept });
}

function toInject(method: string, path: string, g: Generated): InjectOptions {
  const url = path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(g.path[name] ?? ''));
  const qs = new URLSearchParams(g.query).toString();
  const headers: Record<string, string> = {};
  if (g.authorization !== '') headers.authorization = g.authorization;
  if (g.accept !== undefined) headers.accept = g.accept;
  const options: InjectOptions = { method: method.toUpperCase() as 'GET', url: qs === '' ? url : `${url}?${qs}`, headers, remoteAddress: g.remoteAddress };
  if (g.body.kind !== 'none' && method !== 'get') {
    options.payload = g.body.kind === 'json' ? JSON.stringify(g.body.value) : g.body.value;
    if (g.contentType !== undefined) headers['content-type'] = g.contentType;
  }
  return options;
}

/** Words that only appear when internals leak: stack frames, source paths, driver and runtime messages. */
const LEAKS = [/\n\s+at /, /\bat [\w$.<>]+ \(/, /node_modules/, /\/work\//, /dist\/src/, /\.js:\d+/, /ECONNREFUSED|ReplyError|(?<!APP_)ERR_[A-Z]|TypeError|RangeError|ReferenceError|SyntaxError: /, /redis:\/\//, /InfluxDB \d+/];

function check(res: LightMyRequestResponse, label: string): void {
  if (res.statusCode >= 500) throw new Error(`${label}: ${res.statusCode} ${res.body}`);
  const leak = LEAKS.find((re) => re.test(res.body));
  // A 2xx body may legitimately echo stored text; errors never contain internals.
  if (res.statusCode >= 400 && leak) throw new Error(`${label}: leaked ${leak} in ${res.body}`);
  if (res.statusCode < 400) return;
  if (!/^application\/problem\+json/.test(String(res.headers['content-type']))) throw new Error(`${label}: ${res.statusCode} with ${res.headers['content-type']}`);
  const problem = res.json<{ code?: unknown; status?: unknown; title?: unknown }>();
  if (typeof problem.code !== 'string' || !/^APP_ERR_[A-Z_]+$/.test(problem.code)) throw new Error(`${label}: no APP_ERR code in ${res.body}`);
  if (problem.status !== res.statusCode) throw new Error(`${label}: status ${String(problem.status)} in a ${res.statusCode} answer`);
}

const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, operation]) => ({ path, method, operation })));

t.test(`every operation, ${RUNS} generated requests each (seed ${SEED})`, async (tt) => {
  tt.ok(operations.some((o) => o.path.includes('ledger')), 'ledger routes included');
  tt.ok(operations.length > 30, `${operations.length} operations in the OpenAPI document`);
  const statuses = new Map<number, number>();
  for (const [i, { path, method, operation }] of operations.entries()) {
    const label = `${method.toUpperCase()} ${path}`;
    await fc.assert(
      fc.asyncProperty(requestsFor(path, operation), async (g) => {
        const res = await full.app.inject(toInject(method, path, g));
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        check(res, label);
      }),
      { numRuns: RUNS, seed: SEED + i, endOnFailure: false },
    );
  }
  const seen = [...statuses.keys()].sort();
  tt.comment(`statuses: ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`);
  tt.ok(seen.some((s) => s >= 200 && s < 300), 'some requests succeeded');
  tt.ok(seen.includes(400) && seen.includes(401) && seen.includes(403) && seen.includes(404), 'validation, token, role and lookup failures all exercised');
  tt.ok(seen.every((s) => s < 500), 'never a 5xx');
});

t.test('the admin token still works after the run (nothing revoked or broken by fuzzing)', async (tt) => {
  tt.equal((await full.call(api.token.admin, { url: '/me' })).statusCode, 200);
  tt.equal((await full.call(undefined, { url: '/ready' })).statusCode, 200);
});
