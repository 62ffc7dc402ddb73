/**
 * The OpenAPI document as a portal developer uses it: it passes the Redocly linter's recommended rules (the library
 * the redocly CLI runs), and a typed client generated from it with openapi-typescript compiles (tsc, strict)
 * against a file calling every operation with openapi-fetch, which then runs against the started API. The
 * generated types are written to dist/ on every run, never committed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';
import t from 'tap';
import ts from 'typescript';
import { newAnomaly, newGap } from '../../src/ledgers/entries.js';
import { D, HOUR, MN_A, buildLedgerApi } from './ledger-helper.js';

const NOW = D + 30 * HOUR;
const h = await buildLedgerApi(NOW);
t.teardown(() => h.close());
const item = await h.item(MN_A);
await h.ledgers.ledgers.create(newGap(item, { kind: 'hour', periodMs: HOUR }, D + 3 * HOUR, NOW));
await h.ledgers.ledgers.create(newAnomaly(item, 'hour', { rule: 'over-standard', periodStart: D + HOUR, periodEnd: D + 2 * HOUR, evidence: { values: { avg: 150 }, detail: 'over' } }, NOW));
await h.api.writeLines([`hour,mn=${MN_A},factor=w01018,st=32 avg=20,flag="N",raw="x" ${Date.parse('2024-05-01T00:00:00+08:00')}`]);
const docText = (await h.call(undefined, { url: '/docs/json' })).body;
const doc = JSON.parse(docText) as { servers?: unknown; paths: Record<string, Record<string, { operationId?: string }>> };
const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method} ${path}`, op })));

t.test('redocly recommended rules: no problems at all', async (tt) => {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source: docText, absoluteRef: 'openapi.json', config });
  tt.same(
    problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`),
    [],
  );
  tt.same(doc.servers, [{ url: '/', description: 'the API serving this document' }]);
  const ids = operations.map((o) => o.op.operationId);
  tt.ok(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id)), 'an operationId on every operation');
  tt.equal(new Set(ids).size, ids.length, 'operationIds are unique');
});

t.test('a generated typed client compiles against a call of every operation and runs against the API', async (tt) => {
  const dir = new URL('./client-gen/', import.meta.url);
  await mkdir(dir, { recursive: true });
  await writeFile(new URL('api.d.ts', dir), astToString(await openapiTS(docText)));
  const calls = await readFile(new URL('../../../test/api/client/calls.ts.txt', import.meta.url), 'utf8');
  const callsTs = new URL('calls.ts', dir);
  await writeFile(callsTs, calls);
  const program = ts.createProgram([callsTs.pathname], {
    strict: true,
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    outDir: new URL('.', dir).pathname,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  tt.same(diagnostics, [], 'tsc (strict) finds no error in the calls');
  tt.notOk(program.emit().emitSkipped);

  const called = [...calls.matchAll(/note\('([a-z]+ [^']+)'/g)].map((m) => m[1]);
  tt.same([...called].sort(), operations.map((o) => o.name).sort(), 'the file calls every operation of the document');

  const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const { run } = (await import(pathToFileURL(new URL('calls.js', dir).pathname).href)) as { run(ctx: object): Promise<Array<{ op: string; status: number }>> };
  const gapId = `gap:${MN_A}:w01018:hour:${D + 3 * HOUR}`;
  const anomalyId = `anomaly:${MN_A}:w01018:hour:${D + HOUR}:over-standard`;
  const seen = await run({ baseUrl: address, admin: h.api.token.admin, mn: MN_A, gapId, anomalyId });
  const failed = seen.filter((s) => s.status >= 500);
  tt.same(failed, [], 'no call failed on the server');
  const byOp = Object.fromEntries(seen.map((s) => [s.op, s.status]));
  tt.match(byOp, { 'get /health': 200, 'get /me': 200, 'post /enterprises': 201, 'get /collectors': 200, 'get /readings': 200, 'get /readings/csv': 200, 'post /gaps/explanations': 200, 'get /reviews': 200 });
  const typed = seen.find((s) => s.op.startsWith('typed '))?.op ?? '';
  tt.match(typed, /^typed admin portal 1 w01018 CLNT00000000000000000001 \d+ 2024-05-01T00:00:00\+08:00 \d+$/, 'typed answers carry the data');
});
