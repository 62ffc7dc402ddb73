/** What the ledger routes are built from: the checks pipeline's ports plus a way to ask the worker for a rollup. */
import type { Clock } from '../domain/clock.js';
import type { ItemSource, LedgerStore, ReadingReader, RollupStore } from '../domain/ledgers.js';
import type { ReadingSink } from '../domain/ports.js';

export interface LedgerApiDeps {
  ledgers: LedgerStore;
  /** Stored readings, to refuse back-fills over collector data. */
  readings: ReadingReader;
  /** Where manual back-fills are written (the InfluxDB writer): tag source=manual, flag S. */
  sink: Pick<ReadingSink, 'write'>;
  items: ItemSource;
  rollups: RollupStore;
  clock: Clock;
  /** Monthly rows are computed on read for at most this many collectors (HJ212_LEDGER_ON_READ_MAX_COLLECTORS). */
  onReadMaxCollectors?: number;
  /** Grace of a due period (HJ212_CHECK_GAP_GRACE_S), for monthly rows computed on read. */
  gapGraceMs: number;
  /** Anomaly rule settings applied to back-filled values (HJ212_CHECK_CONSTANT_PERIODS). */
  rules?: { constantPeriods?: number };
  /** Enqueue an on-demand rollup of a month (`YYYY-MM`) for the workers; resolves with the job id. */
  requestRollup(month: string): Promise<string>;
}
