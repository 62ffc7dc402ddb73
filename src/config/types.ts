/** The typed configuration slices handed down to the roles, and the error listing every configuration problem. */
import type { Env } from './env-schema.js';

export interface Config {
  roles: ReadonlySet<'gateway' | 'api' | 'worker'>;
  tcp: {
    host: string;
    port: number;
    maxConnections: number;
    maxConnectionsPerIp: number;
    idleTimeoutMs: number;
    partialFrameTimeoutMs: number;
    maxAuthFailuresPerMinute: number;
    maxDataLength: number;
    subpacketTimeoutMs: number;
    /** Hostile-traffic limits (src/server/defences.ts). */
    limits: DefenceLimits;
    pendingMax: number;
  };
  /** HTTP API: listen address, body limit, registry list page maximum, bulk ledger action maximum. */
  http: { host: string; port: number; bodyLimit: number; pageMax: number; bulkMax: number };
  /** Monthly ledger rows computed on read for at most this many collectors (HJ212_LEDGER_ON_READ_MAX_COLLECTORS). */
  ledgerOnReadMaxCollectors: number;
  influx: InfluxConfig;
  redis: { url: string; prefix: string };
  dedupeTtlS: number;
  /** Collector status written to Redis this often, ms (HJ212_SESSION_FLUSH_MS). */
  sessionFlushMs: number;
  dedupeMaxPerDevice: number;
  archiveMaxFrames: number;
  deadLettersMax: number;
  /** Raw archive limits (docs: SECURITY.md "Hostile traffic"). */
  archive: { maxBytes: number; maxRawBytes: number; junkRawBytes: number; repeatWindowMs: number };
  /** Per-collector storage limits (factor budget, DataTime window, sub-packet tracking, latest values). */
  storageLimits: StorageLimits;
  logLevel: Env['HJ212_LOG_LEVEL'];
  timeZone: string;
  rollupAt: string;
  instanceId?: string;
  /** Checks pipeline settings from the environment (the other knobs: `TUNING.checks` in tuning.ts). */
  checks: { delayMs: number; addsPerSecond: number; scanEveryMs: number; gapGraceMs: number; initialLookbackMs: number; constantPeriods: number; repullTimeoutMs: number; repullMaxAttempts: number };
  /** Reverse control (src/domain/commands.ts CommandSettings). */
  commands: { overTimeMs: number; reCount: number; execTimeoutMs: number; keepPerMn: number; keepTotal: number; ttlMs: number; passwordWindowMs: number };
  /** Archive entries a frame-log request examines at most. */
  frameLogScanMax: number;
  /** Operator accounts: sessions, cookie, sign-in lockout and password hashing bounds. */
  accounts: AccountSettings;
}

/** Operator accounts and browser sessions (docs/api.md "Accounts and sessions", SECURITY.md). */
export interface AccountSettings {
  sessionIdleMs: number;
  sessionMaxMs: number;
  sessionsPerUser: number;
  /** Accounts, and tokens, an enterprise main account may create for its enterprise (each kind). */
  enterpriseAccountsMax: number;
  /** `Secure` on the session cookie whatever the request's protocol. */
  cookieSecure: boolean;
  login: LoginLimits;
}

/** Sign-in guessing limits. */
export interface LoginLimits {
  /** Failures per user name per minute (from untrusted addresses) before a lockout. */
  userFailures: number;
  /** Failures per client address per minute before a lockout. */
  addressFailures: number;
  lockBaseMs: number;
  lockMaxMs: number;
  /** Concurrent password hashes, and how many more may wait. */
  hashConcurrency: number;
  hashQueue: number;
}

/** Limits on what one connection or source address can make the gateway do (SECURITY.md, "Hostile traffic"). */
export interface DefenceLimits {
  /** Framing errors + rejected frames one connection may cause per window before it is closed and its address banned. */
  maxErrorsPerConnection: number;
  errorWindowMs: number;
  /** The same, summed over all connections of one source address (a flood split over many short connections). */
  maxErrorsPerAddress: number;
  /** First ban of an address; each further ban doubles, up to `banMaxMs`. 0 disables bans. */
  banBaseMs: number;
  banMaxMs: number;
  /** First password lockout; each further one doubles, up to `authLockoutMaxMs`. */
  authLockoutBaseMs: number;
  authLockoutMaxMs: number;
  /** An address that logged in as an MN stays trusted for it this long (an MN lockout does not apply to it). */
  authTrustMs: number;
  /** Keys (addresses, MNs, address+MN pairs) each defence table holds. */
  maxTrackedKeys: number;
  /** Summary log lines: at most one per connection / address / MN per interval. */
  logSummaryMs: number;
  /** Bytes of raw frames queued for the archive; beyond it entries are dropped and counted. */
  archiveQueueMaxBytes: number;
  /** A pending (unknown) MN is written at most once per interval ... */
  pendingRecordIntervalMs: number;
  /** ... and at most this many pending-device writes happen per interval in total. */
  pendingRecordsPerInterval: number;
}

export interface StorageLimits {
  maxUnknownFactors: number;
  maxFactorsPerFrame: number;
  maxLatestFields: number;
  /** Latest values held in memory this long before they are written to Redis (0: written at once). */
  latestFlushMs: number;
  maxFutureSkewMs: number;
  /** Epoch ms before which a DataTime is refused. */
  minDataTimeMs: number;
  maxSubpacketSetsPerMn: number;
  maxPnum: number;
}

export type InfluxConfig =
  | { kind: 'v1'; url: string; database: string; retentionPolicy?: string; username?: string; password?: string; batchSize: number; flushMs: number; maxPending: number }
  | { kind: 'v2'; url: string; org: string; bucket: string; token: string; database: string; batchSize: number; flushMs: number; maxPending: number };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
