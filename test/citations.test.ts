/**
 * Every citation in the repository can be followed with the repository alone: comments, scripts and docs cite the
 * standard's clauses and sections of docs/protocol.md / docs/architecture.md that exist, never a document that is not
 * here (an engineering reference or conventions file kept elsewhere, a path on some machine).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SKIP_DIRS = new Set(['node_modules', 'dist', '.data', '.git', '.tap', 'coverage', 'results']);
const TEXT = /\.(ts|mjs|js|sh|md|ya?ml|json)$|^Dockerfile$/;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (TEXT.test(name) && !name.endsWith('.d.ts') && name !== 'package-lock.json') out.push(path);
  }
  return out;
}

const FILES = ['protocol', 'src', 'scripts', 'test', 'benchmarks', 'docs', 'fixtures', 'docker', 'scenarios']
  .flatMap((d) => walk(join(ROOT, d)))
  .concat(['README.md', 'SECURITY.md', 'Dockerfile', 'docker-compose.yml'].map((f) => join(ROOT, f)));

/** `## §3 …` headings of a doc. */
function sections(doc: string): Set<string> {
  return new Set([...readFileSync(join(ROOT, doc), 'utf8').matchAll(/^## §(\d+) /gm)].map((m) => m[1]!));
}
const DOCS: Record<string, Set<string>> = { 'protocol.md': sections('docs/protocol.md'), 'architecture.md': sections('docs/architecture.md') };
const PROTOCOL_TEXT = readFileSync(join(ROOT, 'docs/protocol.md'), 'utf8');

// Built from pieces so that this file does not cite them itself.
const FORBIDDEN: Array<[RegExp, string]> = [
  [new RegExp(`\\b${'SP'}EC\\s*§?\\s*\\d`), 'cites a SPEC section that is not in the repository: cite docs/protocol.md §n'],
  [new RegExp(`${'ARCHI'}TECTURE\\.md`), 'cites a conventions file that is not in the repository: cite docs/architecture.md §n'],
  [new RegExp(`${'shared'}/hj212|/${'work'}/`), 'points at a path outside the repository'],
];

interface Hit {
  where: string;
  text: string;
}

function scan(re: RegExp): Hit[] {
  const hits: Hit[] = [];
  for (const file of FILES) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    text.split('\n').forEach((line, i) => {
      for (const m of line.matchAll(new RegExp(re.source, 'g'))) hits.push({ where: `${relative(ROOT, file)}:${i + 1}`, text: m[0] });
    });
  }
  return hits;
}

t.test('no citation of documents outside the repository', async (t) => {
  for (const [re, why] of FORBIDDEN) {
    const hits = scan(re);
    t.same(hits.map((h) => `${h.where}: ${h.text}`), [], why);
  }
});

t.test('every cited section of docs/protocol.md and docs/architecture.md exists', async (t) => {
  const hits = scan(/(protocol|architecture)\.md((?:,? §\d+)+)/);
  t.ok(hits.length > 30, `the code cites the docs (${hits.length} citations)`);
  const missing = hits.flatMap((h) => {
    const [, doc, list] = /(protocol|architecture)\.md(.*)/.exec(h.text)!;
    return [...list!.matchAll(/§(\d+)/g)].filter((m) => !DOCS[`${doc}.md`]!.has(m[1]!)).map((m) => `${h.where}: ${doc}.md §${m[1]}`);
  });
  t.same(missing, [], 'sections that do not exist');
});

t.test('every clause of the standard cited in code is covered by docs/protocol.md', async (t) => {
  const cited = new Set(scan(/HJ ?212-20(?:05|17|25) (?:App\. ?[A-Z]|\d+(?:\.\d+)*)/).map((h) => h.text.replace(/^HJ ?212-20\d\d /, '').replace(/^App\. ?/, 'Appendix ')));
  t.ok(cited.size > 5, `${cited.size} clauses cited`);
  // A clause is covered when docs/protocol.md names it or a clause it belongs to (6.4 covers 6.4.2).
  const covered = (clause: string): boolean => {
    const parts = clause.split('.');
    const candidates = [clause, ...parts.slice(2).map((_, i) => parts.slice(0, parts.length - 1 - i).join('.'))];
    return candidates.some((c) => new RegExp(`(^|[^\\d.§])${c.replaceAll('.', '\\.')}([^\\d.]|\\.[^\\d]|$)`, 'm').test(PROTOCOL_TEXT));
  };
  t.same([...cited].filter((c) => !covered(c)).sort(), [], 'clauses docs/protocol.md does not mention');
});
