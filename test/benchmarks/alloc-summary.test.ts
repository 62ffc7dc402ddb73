/**
 * scripts/alloc-summary.mjs, run as a developer runs it, on a small allocation profile of the shape V8's sampling heap
 * profiler writes (benchmarks/children/alloc.ts): the top allocation sites, by function and by our own caller.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

const run = promisify(execFile);
const SCRIPT = new URL('../../../scripts/alloc-summary.mjs', import.meta.url).pathname;

const node = (functionName: string, url: string, selfSize: number, children: unknown[] = []): unknown => ({ callFrame: { functionName, url, lineNumber: 9 }, selfSize, children });

t.test('lists the sites by bytes, and charges node-internal allocations to the function of our code that called', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alloc-'));
  const file = join(dir, 'a.heapprofile');
  const head = node('(root)', '', 0, [
    node('store', 'file:///x/dist/src/server/upload.js', 3_000_000, [node('from', 'node:buffer', 5_000_000)]),
    node('readCp', 'file:///x/dist/protocol/cp.js', 2_000_000),
  ]);
  writeFileSync(file, JSON.stringify({ head, samples: [] }));
  const { stdout } = await run(process.execPath, [SCRIPT, file, '5']);
  const lines = stdout.split('\n');
  t.equal(lines[0], 'sampled 10.0 MB');
  const self = lines.slice(lines.indexOf('--- self (the allocating function)') + 1, lines.indexOf('--- by the innermost function of our code'));
  t.match(self[0], /50\.0 %\s+5\.0 MB\s+from node:buffer:10/, 'the largest site first');
  const ours = lines.slice(lines.indexOf('--- by the innermost function of our code') + 1).filter(Boolean);
  t.match(ours[0], /80\.0 %\s+8\.0 MB\s+store src\/server\/upload\.js:10/, "Buffer.from's bytes charged to its caller");
  t.match(ours[1], /20\.0 %\s+2\.0 MB\s+readCp protocol\/cp\.js:10/);
});

t.test('without a file it prints its usage and exits with 2', async (t) => {
  const err = (await run(process.execPath, [SCRIPT]).catch((e: unknown) => e)) as { code: number; stderr: string };
  t.equal(err.code, 2);
  t.match(err.stderr, /usage: node scripts\/alloc-summary\.mjs/);
});
