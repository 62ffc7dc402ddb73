/**
 * One report line per fault scenario: printed always; under `npm run test:faults` (HJ212_TEST_FAULTS=1) also merged
 * into benchmarks/results/<table>.json and the table of that name in benchmarks/README.md ("faults" for outages and
 * kills, "hostile" for attacks). Scenario files may run in parallel processes, so the merge holds a lock directory
 * while it reads and rewrites the results.
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

/** One attack of the hostile section (test/faults/hostile-*.test.ts) beside legitimate collectors. */
export interface HostileRow extends Row {
  attack: string;
  /** How long the attack ran, s. */
  'duration s': number;
  /** Highest gateway RSS sampled during the attack and until the collectors finished, MB. */
  'peak RSS MB': number;
  /** Highest Redis `used_memory` minus its value before the attack, MB. */
  'Redis growth MB': number;
  /** Bytes the gateway's log grew by (level info) from the attack's start to the scenario's end. */
  'log bytes': number;
  /** Readings of the legitimate collectors acked (9014) / acked but not stored (must be 0). */
  'legitimate acks': number;
  lost: number;
  note: string;
}

const resultsFile = (table: string): string => fileURLToPath(new URL(`../../../../benchmarks/results/${table}.json`, import.meta.url));

function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    return false;
  }
}

/** Prints the row; under `npm run test:faults` replaces the row with the same `key` value in `table`. */
async function report(table: string, key: string, row: Row): Promise<void> {
  console.log(`[${table}] ${Object.entries(row).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (process.env.HJ212_TEST_FAULTS !== '1') return;
  const file = resultsFile(table);
  const lock = `${file}.lock`;
  await waitFor(() => tryLock(lock), `${table}.json lock`, 30_000);
  try {
    let rows: Row[] = [];
    try {
      rows = (JSON.parse(readFileSync(file, 'utf8')) as { rows: Row[] }).rows;
    } catch {
      // first run: no results yet
    }
    const merged = [...rows.filter((r) => r[key] !== row[key]), row].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
    writeResults(table, merged);
  } finally {
    rmdirSync(lock);
  }
}

export function reportFault(row: FaultRow): Promise<void> {
  return report('faults', 'scenario', row);
}

export function reportHostile(row: HostileRow): Promise<void> {
  return report('hostile', 'attack', row);
}
