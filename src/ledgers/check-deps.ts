/** What the check workers are built from: ports only (storage, catalog, clock) plus settings. */
import type { Clock } from '../domain/clock.js';
import type { CheckState, ItemSource, LedgerStore, ReadingReader } from '../domain/ledgers.js';
import type { CheckSettings } from './check-settings.js';

export interface CheckDeps {
  items: ItemSource;
  ledgers: LedgerStore;
  readings: ReadingReader;
  state: CheckState;
  clock: Clock;
  settings: CheckSettings;
}

/** What one scan or check did, for logs, metrics and tests. */
export interface ScanCounts {
  gapsCreated: number;
  gapsClosed: number;
  anomaliesCreated: number;
}

export function emptyCounts(): ScanCounts {
  return { gapsCreated: 0, gapsClosed: 0, anomaliesCreated: 0 };
}

export function addCounts(a: ScanCounts, b: ScanCounts): ScanCounts {
  return { gapsCreated: a.gapsCreated + b.gapsCreated, gapsClosed: a.gapsClosed + b.gapsClosed, anomaliesCreated: a.anomaliesCreated + b.anomaliesCreated };
}
