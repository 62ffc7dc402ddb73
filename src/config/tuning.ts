/**
 * Defaults that have no environment variable: tuning operators have not needed to change. They live in src/config/
 * with the environment defaults, so every default of the platform is in one place.
 */
export const TUNING = Object.freeze({
  /** Checks pipeline knobs besides `checks` below (docs/ledgers.md). */
  checks: Object.freeze({
    /** Relative tolerance of an hour (day) average against the mean of its minute (hour) averages. */
    averageTolerance: 0.05,
    /** Relative tolerance of a Cou against the sum of the Cou of its sub-periods. */
    couTolerance: 0.05,
    /** Share of the sub-periods that must be present before an average is compared with them. */
    minCoverage: 0.75,
    /** Backoff after a failed history request: base * 2^(attempts - 1), capped at 1 day. */
    repullBackoffMs: 10 * 60_000,
    /** Longest range asked for in one history request, in periods. */
    repullMaxPeriods: 24,
    /** After a 9012 success, re-check the requested range this much later (data frames may still be in flight). */
    rescanDelayMs: 5_000,
    /** Reply stream poll interval of the reply reader. */
    replyPollMs: 500,
    /** Queue depth metrics refresh interval. */
    metricsEveryMs: 15_000,
    /** Jobs a worker runs at once per queue. */
    concurrency: 4,
  }),
  gateway: Object.freeze({
    /** Largest data segment any device allowance may reach: the frame's length field has 4 digits (HJ212-2017 6.1). */
    maxFrameCeiling: 9999,
    /** Frames of one connection being stored at once; beyond it the socket is paused (back-pressure). */
    maxInflightPerConnection: 256,
  }),
  api: Object.freeze({
    /** Bounds how long a slow client can hold a connection with an unfinished request. */
    requestTimeoutMs: 30_000,
    /** Ledger ids name collector, factor, kind and period (a registration: enterprise, site, point, item, period). */
    maxParamLength: 300,
    /** Verified tokens are trusted this long without a Redis lookup (src/api/token-cache.ts); 0 disables. */
    tokenCacheMs: 5_000,
    /** Identical reading queries within this many ms share one InfluxDB query (src/api/read-cache.ts); 0 disables. */
    readCacheMs: 1_000,
    /** Failed authentications allowed per client address and window. */
    authFailures: Object.freeze({ max: 20, timeWindowMs: 60_000 }),
  }),
});
