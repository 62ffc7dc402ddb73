// Coverage gate per area (docs/architecture.md §5): protocol/ >= 95 % lines, src/ >= 80 % lines.
import { existsSync, readFileSync } from 'node:fs';

const file = '.tap/report/coverage-summary.json';
const alt = 'coverage/coverage-summary.json';
const path = existsSync(file) ? file : alt;
if (!existsSync(path)) {
  console.error('coverage: no summary found');
  process.exit(1);
}
const summary = JSON.parse(readFileSync(path, 'utf8'));
const gates = [
  ['protocol/', 95],
  ['src/', 80],
];
let failed = false;
for (const [prefix, min] of gates) {
  let total = 0;
  let covered = 0;
  for (const [name, s] of Object.entries(summary)) {
    if (name === 'total' || !name.includes('/' + prefix)) continue;
    if (name.includes('/src/cli/') || name.endsWith('/src/main.ts')) continue;
    // The web console (web/src) runs in browsers; its unit tests cover its logic, not this gate.
    if (name.includes('/web/')) continue;
    total += s.lines.total;
    covered += s.lines.covered;
  }
  const pct = total ? (100 * covered) / total : 100;
  const ok = pct >= min;
  failed ||= !ok;
  console.log(`coverage ${prefix.padEnd(10)} ${pct.toFixed(1)} % lines (gate ${min} %) ${ok ? 'ok' : 'FAIL'}`);
}
process.exit(failed ? 1 : 0);
