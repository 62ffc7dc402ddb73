/**
 * Benchmark results: benchmarks/results/<name>.json ({ meta, rows }) and the table between
 * `<!-- results:<name> -->` and `<!-- /results:<name> -->` in benchmarks/README.md (aedes benchmarks/report.js style).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runMeta, type RunMeta } from './meta.js';

/** One result row: column name → value. Columns are taken from the first row, in its key order. */
export type Row = Record<string, string | number>;

/** Repository's benchmarks/ directory (this file runs from dist/benchmarks/lib/). */
const BENCH_DIR = fileURLToPath(new URL('../../../benchmarks/', import.meta.url));

function cell(v: string | number): string {
  if (typeof v === 'string') return v;
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** A Markdown table of the rows, with the run tags under it. */
export function markdownTable(rows: readonly Row[], meta: RunMeta): string {
  const cols = Object.keys(rows[0] ?? {});
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(cols),
    line(cols.map((c, i) => (i === 0 ? '---' : '---:'))),
    ...rows.map((r) => line(cols.map((c) => cell(r[c] ?? '')))),
    '',
    `<sub>${meta.date.slice(0, 10)} · ${meta.sha} · Node ${meta.node} · ${meta.cpu} × ${meta.cores}</sub>`,
  ].join('\n');
}

/** Replaces (or appends) the marked section of `name` in the README text. */
export function replaceSection(readme: string, name: string, body: string): string {
  const open = `<!-- results:${name} -->`;
  const close = `<!-- /results:${name} -->`;
  const section = `${open}\n${body}\n${close}`;
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start < 0 || end < start) return `${readme.trimEnd()}\n\n## ${name}\n\n${section}\n`;
  return readme.slice(0, start) + section + readme.slice(end + close.length);
}

/** Writes benchmarks/results/<name>.json and regenerates the `<name>` table in benchmarks/README.md. */
export function writeResults(name: string, rows: readonly Row[]): void {
  const meta = runMeta();
  mkdirSync(`${BENCH_DIR}results`, { recursive: true });
  writeFileSync(`${BENCH_DIR}results/${name}.json`, `${JSON.stringify({ meta, rows }, null, 2)}\n`);
  const readmePath = `${BENCH_DIR}README.md`;
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '# Benchmarks\n';
  writeFileSync(readmePath, replaceSection(readme, name, markdownTable(rows, meta)));
}
