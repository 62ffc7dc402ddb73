/**
 * One report line per fault scenario: printed always; under `npm run test:faults` (HJ212_TEST_FAULTS=1) also merged
 * into benchmarks/results/faults.json and the "faults" table of benchmarks/README.md. Scenario files run in parallel
 * processes, so the merge holds a lock directory while it reads and rewrites the results.
 */
import { mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeResults, type Row } from '../../../benchmarks/lib/report.js';
import { waitFor } from '../../helpers/wait.js';

export interface FaultRow extends Row {
  scenario: string;
  /** Readings uploaded (each counted once, however often retransmitted). */
  readings: number;
  acked: number;
  stored: number;
  duplicated: number;
  /** Acked but not stored: must be 0. */
  lost: number;
  retransmits: number;
  /** How long the fault lasted, s. */
  'fault s': number;
  /** From the end of the fault until the backlog was acked (or the scenario's own recovery measure), s. */
  'recovery s': number;
  note: string;
}

const RESULTS = fileURLToPath(new URL('../../../../benchmarks/results/faults.json', import.meta.url));
const LOCK = `${RESULTS}.lock`;

function tryLock(): boolean {
  try {
    mkdirSync(LOCK);
    return true;
  } catch {
    return false;
  }
}

export async function reportFault(row: FaultRow): Promise<void> {
  console.log(`[faults] ${Object.entries(row).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (process.env.HJ212_TEST_FAULTS !== '1') return;
  await waitFor(tryLock, 'faults.json lock', 30_000);
  try {
    let rows: Row[] = [];
    try {
      rows = (JSON.parse(readFileSync(RESULTS, 'utf8')) as { rows: Row[] }).rows;
    } catch {
      // first run: no results yet
    }
    const merged = [...rows.filter((r) => r.scenario !== row.scenario), row].sort((a, b) => String(a.scenario).localeCompare(String(b.scenario)));
    writeResults('faults', merged);
  } finally {
    rmdirSync(LOCK);
  }
}
