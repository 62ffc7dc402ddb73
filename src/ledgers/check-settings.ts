/**
 * Tuning of the checks pipeline. The knobs operators set are environment variables (src/config.ts `checks`, the
 * README's configuration table); the rest are src/config.ts `TUNING.checks`. Every default is in src/config.ts.
 */
import { DEFAULT_CONFIG, TUNING } from '../config.js';

/** Every knob of the checks, gap scans, history re-pulls and rollups. */
export interface CheckSettings {
  /** A period is missing once it ended this long ago without a reading (uploads come shortly after the period). */
  gapGraceMs: number;
  /**
   * The first scan of an item without a watermark starts at its validity window but looks back at most this far;
   * late readings check the periods back to the previous reading within the same bound (HJ212_GAP_LOOKBACK_DAYS,
   * no code default: config.ts has it).
   */
  initialLookbackMs: number;
  /** Default number of identical consecutive values that is an anomaly (the item may not say). */
  constantPeriods: number;
  /** Relative tolerance of an hour (day) average against the mean of its minute (hour) averages. */
  averageTolerance: number;
  /** Relative tolerance of a Cou against the sum of the Cou of its sub-periods. */
  couTolerance: number;
  /** Share of the sub-periods that must be present before an average is compared with them. */
  minCoverage: number;
  /** How often every collector is scanned. */
  scanEveryMs: number;
  /** No 9012 this long after a history request: the attempt timed out. */
  repullTimeoutMs: number;
  /** Automatic history requests per gap before the enterprise has to back-fill or explain. */
  repullMaxAttempts: number;
  /** Backoff after a failed attempt: base * 2^(attempts - 1), capped at 1 day. */
  repullBackoffMs: number;
  /** Longest range asked for in one history request, in periods. */
  repullMaxPeriods: number;
  /** After a 9012 success, re-check the requested range this much later (data frames may still be in flight). */
  rescanDelayMs: number;
  /** Reply stream poll interval of the reply reader. */
  replyPollMs: number;
  /** Queue depth metrics refresh interval. */
  metricsEveryMs: number;
  /** Jobs a worker runs at once per queue. */
  concurrency: number;
}

const { gapGraceMs, constantPeriods, scanEveryMs, repullTimeoutMs, repullMaxAttempts } = DEFAULT_CONFIG.checks;

/** The defaults of every knob except the look-back (src/config.ts), for code that runs without a loaded config. */
export const DEFAULT_CHECK_SETTINGS: Readonly<Omit<CheckSettings, 'initialLookbackMs'>> = Object.freeze({
  ...TUNING.checks,
  gapGraceMs,
  constantPeriods,
  scanEveryMs,
  repullTimeoutMs,
  repullMaxAttempts,
});

const DAY_MS = 86_400_000;

/** Delay before the next automatic attempt after `attempts` failed ones. */
export function backoffMs(settings: Pick<CheckSettings, 'repullBackoffMs'>, attempts: number): number {
  return Math.min(DAY_MS, settings.repullBackoffMs * 2 ** Math.max(0, attempts - 1));
}
