// Reads tap's TAP output and prints the closing line CI looks for: "N passed, M failed[, K skipped]".
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2] ?? 0, 'utf8');
const m = [...text.matchAll(/^# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?(?:, skip: (\d+))?(?:, todo: (\d+))?/gm)].pop();
if (!m) {
  console.log('0 passed, 1 failed');
  process.exit(0);
}
const pass = Number(m[2] ?? 0);
const fail = Number(m[3] ?? 0) + (m[2] === undefined && m[3] === undefined ? Number(m[1]) : 0);
const skip = Number(m[4] ?? 0);
console.log(`${pass} passed, ${fail} failed${skip ? `, ${skip} skipped` : ''}`);
