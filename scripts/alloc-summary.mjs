#!/usr/bin/env node
// Top allocation sites of a sampling heap profile (benchmarks/children/alloc.ts): self bytes by function, and by
// the innermost function of our own code (dist/src, dist/protocol) that led to the allocation.
//   node scripts/alloc-summary.mjs <file.heapprofile> [rows=30]
import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/alloc-summary.mjs <file.heapprofile> [rows]');
  process.exit(2);
}
const rows = Number(rowsArg ?? 30);
const { head } = JSON.parse(readFileSync(file, 'utf8'));
const self = new Map();
const ours = new Map();
let total = 0;
const name = (cf) => `${cf.functionName || '(anonymous)'} ${(cf.url || '').replace(/^.*\/dist\//, '').replace(/^.*\/node_modules\//, '')}:${cf.lineNumber + 1}`;
const walk = (node, owner) => {
  const isOurs = /\/dist\/(src|protocol)\//.test(node.callFrame.url || '');
  const here = isOurs ? name(node.callFrame) : owner;
  const bytes = node.selfSize;
  if (bytes > 0) {
    total += bytes;
    const k = name(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + bytes);
    ours.set(here ?? '(outside our code)', (ours.get(here ?? '(outside our code)') ?? 0) + bytes);
  }
  for (const child of node.children) walk(child, here);
};
walk(head, undefined);
const print = (title, map) => {
  console.log(`--- ${title}`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)} % ${(v / 1e6).toFixed(1).padStart(8)} MB  ${k}`);
};
console.log(`sampled ${(total / 1e6).toFixed(1)} MB`);
print('self (the allocating function)', self);
print('by the innermost function of our code', ours);
