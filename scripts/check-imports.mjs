// Import boundaries and circular dependencies (docs/architecture.md §3, "Dependencies point one way").
// main -> roles -> server | api | queue | storage | cli; api, queue -> ledgers | commands -> domain -> protocol;
// config, log, errors are leaves. server never reaches storage, queue or api (it is handed ports).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const roots = ['protocol', 'src'];

/** Which top-level areas an area must never import. protocol/ imports nothing outside itself (checked below). */
const forbidden = {
  protocol: [],
  'src/domain': ['src/server', 'src/storage', 'src/queue', 'src/ledgers', 'src/commands', 'src/api', 'src/cli', 'src/roles', 'src/main'],
  'src/ledgers': ['src/server', 'src/storage', 'src/queue', 'src/commands', 'src/api', 'src/cli', 'src/roles', 'src/main'],
  'src/commands': ['src/server', 'src/storage', 'src/queue', 'src/ledgers', 'src/api', 'src/cli', 'src/roles', 'src/main'],
  'src/server': ['src/storage', 'src/queue', 'src/ledgers', 'src/commands', 'src/api', 'src/cli', 'src/roles', 'src/main'],
  'src/storage': ['src/server', 'src/queue', 'src/ledgers', 'src/commands', 'src/api', 'src/cli', 'src/roles', 'src/main'],
  'src/queue': ['src/server', 'src/storage', 'src/api', 'src/cli', 'src/roles', 'src/main'],
  'src/api': ['src/server', 'src/queue', 'src/cli', 'src/roles', 'src/main'],
  'src/config': ['src/server', 'src/storage', 'src/queue', 'src/ledgers', 'src/commands', 'src/api', 'src/cli', 'src/domain'],
  'src/log': ['src/server', 'src/storage', 'src/queue', 'src/ledgers', 'src/commands', 'src/api', 'src/cli', 'src/domain'],
  'src/errors': ['src/server', 'src/storage', 'src/queue', 'src/ledgers', 'src/commands', 'src/api', 'src/cli', 'src/domain'],
};

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const files = roots.flatMap((r) => walk(join(root, r)));
const graph = new Map();
const problems = [];
// `import type` is erased at compile time: it can neither create a runtime cycle nor a runtime dependency,
// so it is left out of the cycle check (boundaries still apply to it, see typeImportRe).
const importRe = /(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const typeImportRe = /(?:^|\n)\s*(?:import|export)\s+type\s[^'"]*?from\s+['"]([^'"]+)['"]/g;

function areaOf(rel) {
  const key = Object.keys(forbidden).find((a) => rel === a + '.ts' || rel.startsWith(a + '/'));
  return key;
}

for (const file of files) {
  const rel = relative(root, file);
  const src = readFileSync(file, 'utf8');
  const deps = [];
  const found = [...src.matchAll(importRe)].map((m) => ({ spec: m[1] ?? m[2], runtime: true }));
  for (const m of src.matchAll(typeImportRe)) found.push({ spec: m[1], runtime: false });
  for (const { spec, runtime } of found) {
    if (rel.startsWith('protocol/') && !spec.startsWith('.')) {
      problems.push(`${rel}: protocol/ must have no dependencies, imports '${spec}'`);
      continue;
    }
    if (!spec.startsWith('.')) continue;
    const target = relative(root, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
    if (rel.startsWith('protocol/') && !target.startsWith('protocol/')) problems.push(`${rel}: protocol/ must import nothing outside itself, imports ${target}`);
    if (runtime) deps.push(target);
    const area = areaOf(rel);
    for (const bad of forbidden[area] ?? []) {
      if (target === bad + '.ts' || target.startsWith(bad + '/')) problems.push(`${rel}: must not import ${target} (${area} -/-> ${bad})`);
    }
  }
  graph.set(rel, deps);
}

const state = new Map();
const stack = [];
function visit(node) {
  state.set(node, 1);
  stack.push(node);
  for (const dep of graph.get(node) ?? []) {
    if (state.get(dep) === 1) problems.push(`circular: ${[...stack.slice(stack.indexOf(dep)), dep].join(' -> ')}`);
    else if (!state.has(dep)) visit(dep);
  }
  stack.pop();
  state.set(node, 2);
}
for (const node of graph.keys()) if (!state.has(node)) visit(node);

if (problems.length) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`imports ok: ${graph.size} files, no cycles, boundaries respected`);
