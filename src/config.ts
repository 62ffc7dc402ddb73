/**
 * Configuration: parsed once from the environment by zod, frozen, handed down as typed slices.
 * Nothing else reads process.env. Every problem is listed at start (fail fast).
 */
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);

/** Every environment variable the platform reads, with its default. The README's config table mirrors this. */
export const envSchema = z.object({
  /** Roles this process runs: all | gateway | api | worker, comma-separated. */
  HJ212_ROLES: z.string().default('all'),
  /** TCP port collectors connect to (the provincial platforms' port). */
  HJ212_TCP_PORT: port.default(5003),
  HJ212_TCP_HOST: z.string().default('0.0.0.0'),
  /** HTTP API port. */
  HJ212_HTTP_PORT: port.default(8080),
  HJ212_HTTP_HOST: z.string().default('0.0.0.0'),
  /** InfluxDB family: v1 (database + retention policy, /write) or v2 (org, bucket, token; 2.x/3.x). */
  HJ212_INFLUX_KIND: z.enum(['v1', 'v2']).default('v1'),
  HJ212_INFLUX_URL: z.string().url().default('http://127.0.0.1:8086'),
  /** v1 database / v2 bucket. */
  HJ212_INFLUX_DATABASE: z.string().min(1).default('hj212'),
  HJ212_INFLUX_RETENTION_POLICY: z.string().optional(),
  HJ212_INFLUX_USERNAME: z.string().optional(),
  HJ212_INFLUX_PASSWORD: z.string().optional(),
  HJ212_INFLUX_ORG: z.string().optional(),
  HJ212_INFLUX_TOKEN: z.string().optional(),
  /** Group commit: flush when this many points are buffered ... */
  HJ212_INFLUX_BATCH_SIZE: positiveInt.default(5000),
  /** ... or this many milliseconds after the first buffered point. */
  HJ212_INFLUX_FLUSH_MS: positiveInt.default(100),
  /** Points buffered (not yet durable) above which sockets are paused. */
  HJ212_INFLUX_MAX_PENDING: positiveInt.default(200_000),
  HJ212_REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and BullMQ queue, so several deployments can share a Redis. */
  HJ212_REDIS_PREFIX: z.string().default('hj212:'),
  /** Connections in total; keep well below the process's open-file cap (20,000 on our machines). */
  HJ212_MAX_CONNECTIONS: positiveInt.default(15_000),
  HJ212_MAX_CONNECTIONS_PER_IP: positiveInt.default(1_000),
  /** Close a collector connection after this long without collector->server traffic. */
  HJ212_IDLE_TIMEOUT_MS: positiveInt.default(15 * 60_000),
  /** Close a connection whose frame stays unfinished this long (slow-loris protection). */
  HJ212_PARTIAL_FRAME_TIMEOUT_MS: positiveInt.default(30_000),
  /**
   * Failed device logins per minute, per source address and per MN (from addresses not trusted for it), before a
   * lockout (SECURITY.md "Password guessing").
   */
  HJ212_MAX_AUTH_FAILURES_PER_MINUTE: positiveInt.default(5),
  /** First password lockout; each further one doubles up to HJ212_AUTH_LOCKOUT_MAX_MS. No password is checked meanwhile. */
  HJ212_AUTH_LOCKOUT_BASE_MS: positiveInt.default(60_000),
  HJ212_AUTH_LOCKOUT_MAX_MS: positiveInt.default(3_600_000),
  /** An address that logged in as an MN keeps access to it this long, whatever an MN lockout says. */
  HJ212_AUTH_TRUST_HOURS: positiveInt.default(24),
  /** Framing errors + rejected frames per connection per HJ212_CONN_ERROR_WINDOW_MS; beyond: close and ban the address. */
  HJ212_CONN_MAX_ERRORS: positiveInt.default(100),
  HJ212_CONN_ERROR_WINDOW_MS: positiveInt.default(60_000),
  /** The same budget summed over all connections of one source address (floods split over short connections). */
  HJ212_ADDRESS_MAX_ERRORS: positiveInt.default(1_000),
  /** First ban of an address that exhausted an error budget; doubles per ban up to HJ212_BAN_MAX_MS. 0 = no bans. */
  HJ212_BAN_BASE_MS: nonNegativeInt.default(30_000),
  HJ212_BAN_MAX_MS: positiveInt.default(3_600_000),
  /** Entries each defence table (bans, lockouts, trusted address + MN pairs, pending throttle) holds. */
  HJ212_MAX_TRACKED_KEYS: positiveInt.default(100_000),
  /** Misbehaviour is logged as one summary line per connection / address / MN per interval. */
  HJ212_LOG_SUMMARY_MS: positiveInt.default(10_000),
  /** Raw frames queued for the archive, bytes; beyond it entries are dropped (counted), above half sockets pause. */
  HJ212_ARCHIVE_QUEUE_MAX_BYTES: positiveInt.default(16 * 1024 * 1024),
  /** Pending (unknown) devices kept; the least established are dropped first. */
  HJ212_PENDING_MAX: positiveInt.default(10_000),
  /** One unknown MN is written to the pending list at most once per interval ... */
  HJ212_PENDING_RECORD_INTERVAL_MS: positiveInt.default(10_000),
  /** ... and at most this many pending-list writes happen per interval in total (more are dropped, counted). */
  HJ212_PENDING_RECORDS_PER_INTERVAL: positiveInt.default(1_000),
  /**
   * Maximum data segment accepted from devices without a per-device allowance (HJ212-2017 6.1: 1024). 64..9999, the
   * range of a device's own limit (src/domain/data-length.ts: four-digit length field; nothing shorter fits a frame).
   */
  HJ212_MAX_DATA_LENGTH: positiveInt.min(64).max(9999).default(1024),
  /** Sub-packet reassembly timeout. */
  HJ212_SUBPACKET_TIMEOUT_MS: positiveInt.default(60_000),
  /** How long frame keys are remembered for retransmit de-duplication. */
  HJ212_DEDUPE_TTL_S: positiveInt.default(7 * 24 * 3600),
  /** Frame keys remembered per collector (two per frame); beyond, the oldest are forgotten first. */
  HJ212_DEDUPE_MAX_PER_DEVICE: positiveInt.default(100_000),
  /** Raw frame archive length (Redis stream, exact trimming together with the byte cap). */
  HJ212_ARCHIVE_MAX_FRAMES: positiveInt.default(1_000_000),
  /** Dead letters kept (frames InfluxDB refused permanently, raw masked); the oldest go first. */
  HJ212_DEAD_LETTERS_MAX: positiveInt.default(100_000),
  /** Raw frame archive size: the sum of its entries' field bytes; the oldest entries go first. */
  HJ212_ARCHIVE_MAX_BYTES: positiveInt.default(256 * 1024 * 1024),
  /** Bytes of a parsed frame kept in the archive; longer frames are cut (the entry records the full size). */
  HJ212_ARCHIVE_MAX_RAW_BYTES: positiveInt.default(4096),
  /** Bytes kept of a candidate that did not parse (framing or parse error): junk is only sampled. */
  HJ212_ARCHIVE_JUNK_RAW_BYTES: positiveInt.default(512),
  /** The same raw bytes with the same verdict and MN within this window are counted, not archived again, seconds. */
  HJ212_ARCHIVE_REPEAT_WINDOW_S: positiveInt.default(60),
  /** Distinct factor codes outside the factor table and the device's items that one collector may introduce. */
  HJ212_MAX_UNKNOWN_FACTORS: z.coerce.number().int().min(0).default(32),
  /** Factor readings in one frame; the rest of the frame is not stored. */
  HJ212_MAX_FACTORS_PER_FRAME: positiveInt.default(256),
  /** Fields of one collector's latest-values hash (kind + factor pairs). */
  HJ212_MAX_LATEST_FIELDS: positiveInt.default(4096),
  /** A DataTime more than this far ahead of the gateway's clock is rejected (9011 QnRtn=2), seconds. */
  HJ212_MAX_FUTURE_SKEW_S: positiveInt.default(3600),
  /** A DataTime before 1 January of this year (UTC) is rejected (9011 QnRtn=2): HJ/T 212 dates from 2005. */
  HJ212_MIN_DATA_YEAR: z.coerce.number().int().min(1970).max(9999).default(2000),
  /** Sub-packet sets tracked at once per MN; opening one more reports the oldest as incomplete. */
  HJ212_MAX_SUBPACKET_SETS_PER_MN: positiveInt.default(32),
  /** Sub-packet sets announcing more parts (PNUM) are stored part by part but not tracked for completeness. */
  HJ212_MAX_PNUM: positiveInt.default(1000),
  HJ212_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Local time zone for schedules (ledger rollup) and default device time zone. */
  HJ212_TIME_ZONE: z.string().default('Asia/Shanghai'),
  /** Daily networking statistics / ledger rollup time, HH:MM local. */
  HJ212_ROLLUP_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
    .default('03:30'),
  /** HTTP request body limit in bytes. */
  HJ212_HTTP_BODY_LIMIT: positiveInt.default(1_048_576),
  /** Largest `limit` of a registry listing (/collectors, /status, /sites, /tokens …); the default page is 100 or this, if smaller. */
  HJ212_API_PAGE_MAX: positiveInt.max(100_000).default(1000),
  /** Entries one bulk explain / review call changes at most (`ids`, or the first entries a filter matches; more: `remaining`). */
  HJ212_API_BULK_MAX: positiveInt.max(100_000).default(1000),
  /** Instance id of this gateway for command routing; defaults to hostname:pid. */
  HJ212_INSTANCE_ID: z.string().optional(),
  /** Checks pipeline (docs/ledgers.md): every collector is scanned for gaps this often, seconds. */
  HJ212_CHECK_SCAN_EVERY_S: positiveInt.default(600),
  /**
   * A check job runs this long after the first reading that asked for it, seconds; readings of the same collector,
   * kind and hour arriving meanwhile join it (a collector uploading every second then costs one job per delay, not
   * one per frame). 0 checks at once.
   */
  HJ212_CHECK_DELAY_S: z.coerce.number().int().min(0).default(60),
  /** A period becomes a gap once it ended this long ago without a reading, seconds. */
  HJ212_CHECK_GAP_GRACE_S: positiveInt.default(1200),
  /**
   * The first gap scan of an item starts at its validity window (binding / startAt) but at most this many days back;
   * a late reading checks the periods back to the previous reading within the same bound. Days.
   */
  HJ212_GAP_LOOKBACK_DAYS: positiveInt.max(3660).default(7),
  /**
   * `GET /monthly-ledger` computes rows on read (no rollup has them yet) for at most this many collectors; a wider
   * request enqueues the rollup and answers `computed: "pending"` with its job id.
   */
  HJ212_LEDGER_ON_READ_MAX_COLLECTORS: positiveInt.max(100_000).default(50),
  /** Identical consecutive values that make a `constant` anomaly. */
  HJ212_CHECK_CONSTANT_PERIODS: positiveInt.default(6),
  /** A history request without 9012 this long has timed out, seconds. */
  HJ212_REPULL_TIMEOUT_S: positiveInt.default(300),
  /** Automatic history requests per gap before only back-fill or explanation can settle it. */
  HJ212_REPULL_MAX_ATTEMPTS: positiveInt.default(5),
  /** Reverse control (docs/api.md "Commands"): no 9011 this long after a command → resend, seconds (HJ212 OverTime). */
  HJ212_COMMAND_OVERTIME_S: z.coerce.number().positive().max(3600).default(5),
  /** Resends of a command without 9011 before it times out (HJ212 ReCount). */
  HJ212_COMMAND_RECOUNT: z.coerce.number().int().min(0).max(10).default(3),
  /** After 9011 QnRtn=1, no 9012 this long → timed out, seconds. */
  HJ212_COMMAND_EXEC_TIMEOUT_S: z.coerce.number().positive().default(300),
  /** Command ledger entries kept per collector / in all / for how long (seconds). */
  HJ212_COMMAND_KEEP_PER_MN: positiveInt.default(200),
  HJ212_COMMAND_KEEP_TOTAL: positiveInt.default(100_000),
  HJ212_COMMAND_TTL_S: positiveInt.default(7 * 86_400),
  /** A set-password's new password is accepted beside the old one this long unless its 9012 settles it, seconds. */
  HJ212_COMMAND_PASSWORD_WINDOW_S: positiveInt.default(3600),
  /** Frame log (GET /frames): archive entries one request examines at most before it answers with a cursor. */
  HJ212_FRAME_LOG_SCAN_MAX: positiveInt.default(20_000),
  /** Operator accounts (docs/api.md "Accounts and sessions"): a session unused this long ends, seconds. */
  HJ212_SESSION_IDLE_S: positiveInt.default(1800),
  /** A session ends this long after sign-in however much it is used, seconds. */
  HJ212_SESSION_MAX_S: positiveInt.default(43_200),
  /** Sessions one account keeps; signing in once more ends the oldest. */
  HJ212_SESSIONS_PER_USER: positiveInt.max(1000).default(10),
  /** Mark the session cookie `Secure` even when the request did not arrive over TLS (TLS ends at a proxy). */
  HJ212_COOKIE_SECURE: z.enum(['true', 'false']).default('false'),
  /** Failed sign-ins per user name per minute (from addresses not trusted for it) before it is locked, with backoff. */
  HJ212_LOGIN_USER_FAILURES: positiveInt.default(5),
  /** Failed sign-ins per client address per minute before the address is locked, with backoff. */
  HJ212_LOGIN_ADDRESS_FAILURES: positiveInt.default(20),
  /** First sign-in lockout; each further one doubles, up to HJ212_LOGIN_LOCK_MAX_S. Seconds. */
  HJ212_LOGIN_LOCK_BASE_S: positiveInt.default(60),
  HJ212_LOGIN_LOCK_MAX_S: positiveInt.default(3600),
  /** Password hashes (scrypt, 32 MiB each) computed at once by one API process; more wait ... */
  HJ212_LOGIN_HASH_CONCURRENCY: positiveInt.max(64).default(4),
  /** ... up to this many; beyond, a sign-in is answered 503 at once. */
  HJ212_LOGIN_HASH_QUEUE: nonNegativeInt.max(10_000).default(64),
});

export type Env = z.infer<typeof envSchema>;

/**
 * Defaults that have no environment variable: tuning operators have not needed to change. They live here so that
 * every default of the platform is in this one file.
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
  /** Checks pipeline settings from the environment (the other knobs: `TUNING.checks` above). */
  checks: { delayMs: number; scanEveryMs: number; gapGraceMs: number; initialLookbackMs: number; constantPeriods: number; repullTimeoutMs: number; repullMaxAttempts: number };
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

const ROLES = ['gateway', 'api', 'worker'] as const;

/** Parse and validate the environment; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const roleList = e.HJ212_ROLES.split(',').map((r) => r.trim());
  const roles = new Set<(typeof ROLES)[number]>();
  for (const r of roleList) {
    if (r === 'all') ROLES.forEach((x) => roles.add(x));
    else if ((ROLES as readonly string[]).includes(r)) roles.add(r as (typeof ROLES)[number]);
    else problems.push(`HJ212_ROLES: unknown role '${r}' (all, gateway, api, worker)`);
  }
  if (e.HJ212_INFLUX_KIND === 'v2') {
    if (!e.HJ212_INFLUX_ORG) problems.push('HJ212_INFLUX_ORG: required when HJ212_INFLUX_KIND=v2');
    if (!e.HJ212_INFLUX_TOKEN) problems.push('HJ212_INFLUX_TOKEN: required when HJ212_INFLUX_KIND=v2');
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: e.HJ212_TIME_ZONE });
  } catch {
    problems.push(`HJ212_TIME_ZONE: unknown time zone '${e.HJ212_TIME_ZONE}'`);
  }
  if (problems.length) throw new ConfigError(problems);

  const batch = { batchSize: e.HJ212_INFLUX_BATCH_SIZE, flushMs: e.HJ212_INFLUX_FLUSH_MS, maxPending: e.HJ212_INFLUX_MAX_PENDING };
  const influx: InfluxConfig =
    e.HJ212_INFLUX_KIND === 'v2'
      ? { kind: 'v2', url: e.HJ212_INFLUX_URL, org: e.HJ212_INFLUX_ORG ?? '', bucket: e.HJ212_INFLUX_DATABASE, token: e.HJ212_INFLUX_TOKEN ?? '', database: e.HJ212_INFLUX_DATABASE, ...batch }
      : {
          kind: 'v1',
          url: e.HJ212_INFLUX_URL,
          database: e.HJ212_INFLUX_DATABASE,
          retentionPolicy: e.HJ212_INFLUX_RETENTION_POLICY,
          username: e.HJ212_INFLUX_USERNAME,
          password: e.HJ212_INFLUX_PASSWORD,
          ...batch,
        };
  return Object.freeze({
    roles,
    tcp: {
      host: e.HJ212_TCP_HOST,
      port: e.HJ212_TCP_PORT,
      maxConnections: e.HJ212_MAX_CONNECTIONS,
      maxConnectionsPerIp: e.HJ212_MAX_CONNECTIONS_PER_IP,
      idleTimeoutMs: e.HJ212_IDLE_TIMEOUT_MS,
      partialFrameTimeoutMs: e.HJ212_PARTIAL_FRAME_TIMEOUT_MS,
      maxAuthFailuresPerMinute: e.HJ212_MAX_AUTH_FAILURES_PER_MINUTE,
      maxDataLength: e.HJ212_MAX_DATA_LENGTH,
      subpacketTimeoutMs: e.HJ212_SUBPACKET_TIMEOUT_MS,
      limits: {
        maxErrorsPerConnection: e.HJ212_CONN_MAX_ERRORS,
        errorWindowMs: e.HJ212_CONN_ERROR_WINDOW_MS,
        maxErrorsPerAddress: e.HJ212_ADDRESS_MAX_ERRORS,
        banBaseMs: e.HJ212_BAN_BASE_MS,
        banMaxMs: e.HJ212_BAN_MAX_MS,
        authLockoutBaseMs: e.HJ212_AUTH_LOCKOUT_BASE_MS,
        authLockoutMaxMs: e.HJ212_AUTH_LOCKOUT_MAX_MS,
        authTrustMs: e.HJ212_AUTH_TRUST_HOURS * 3_600_000,
        maxTrackedKeys: e.HJ212_MAX_TRACKED_KEYS,
        logSummaryMs: e.HJ212_LOG_SUMMARY_MS,
        archiveQueueMaxBytes: e.HJ212_ARCHIVE_QUEUE_MAX_BYTES,
        pendingRecordIntervalMs: e.HJ212_PENDING_RECORD_INTERVAL_MS,
        pendingRecordsPerInterval: e.HJ212_PENDING_RECORDS_PER_INTERVAL,
      },
      pendingMax: e.HJ212_PENDING_MAX,
    },
    http: { host: e.HJ212_HTTP_HOST, port: e.HJ212_HTTP_PORT, bodyLimit: e.HJ212_HTTP_BODY_LIMIT, pageMax: e.HJ212_API_PAGE_MAX, bulkMax: e.HJ212_API_BULK_MAX },
    ledgerOnReadMaxCollectors: e.HJ212_LEDGER_ON_READ_MAX_COLLECTORS,
    influx,
    redis: { url: e.HJ212_REDIS_URL, prefix: e.HJ212_REDIS_PREFIX },
    dedupeTtlS: e.HJ212_DEDUPE_TTL_S,
    dedupeMaxPerDevice: e.HJ212_DEDUPE_MAX_PER_DEVICE,
    archiveMaxFrames: e.HJ212_ARCHIVE_MAX_FRAMES,
    deadLettersMax: e.HJ212_DEAD_LETTERS_MAX,
    archive: {
      maxBytes: e.HJ212_ARCHIVE_MAX_BYTES,
      maxRawBytes: e.HJ212_ARCHIVE_MAX_RAW_BYTES,
      junkRawBytes: e.HJ212_ARCHIVE_JUNK_RAW_BYTES,
      repeatWindowMs: e.HJ212_ARCHIVE_REPEAT_WINDOW_S * 1000,
    },
    storageLimits: {
      maxUnknownFactors: e.HJ212_MAX_UNKNOWN_FACTORS,
      maxFactorsPerFrame: e.HJ212_MAX_FACTORS_PER_FRAME,
      maxLatestFields: e.HJ212_MAX_LATEST_FIELDS,
      maxFutureSkewMs: e.HJ212_MAX_FUTURE_SKEW_S * 1000,
      minDataTimeMs: Date.UTC(e.HJ212_MIN_DATA_YEAR, 0, 1),
      maxSubpacketSetsPerMn: e.HJ212_MAX_SUBPACKET_SETS_PER_MN,
      maxPnum: e.HJ212_MAX_PNUM,
    },
    logLevel: e.HJ212_LOG_LEVEL,
    timeZone: e.HJ212_TIME_ZONE,
    rollupAt: e.HJ212_ROLLUP_AT,
    instanceId: e.HJ212_INSTANCE_ID,
    checks: {
      delayMs: e.HJ212_CHECK_DELAY_S * 1000,
      scanEveryMs: e.HJ212_CHECK_SCAN_EVERY_S * 1000,
      gapGraceMs: e.HJ212_CHECK_GAP_GRACE_S * 1000,
      initialLookbackMs: e.HJ212_GAP_LOOKBACK_DAYS * 86_400_000,
      constantPeriods: e.HJ212_CHECK_CONSTANT_PERIODS,
      repullTimeoutMs: e.HJ212_REPULL_TIMEOUT_S * 1000,
      repullMaxAttempts: e.HJ212_REPULL_MAX_ATTEMPTS,
    },
    commands: {
      overTimeMs: Math.round(e.HJ212_COMMAND_OVERTIME_S * 1000),
      reCount: e.HJ212_COMMAND_RECOUNT,
      execTimeoutMs: Math.round(e.HJ212_COMMAND_EXEC_TIMEOUT_S * 1000),
      keepPerMn: e.HJ212_COMMAND_KEEP_PER_MN,
      keepTotal: e.HJ212_COMMAND_KEEP_TOTAL,
      ttlMs: e.HJ212_COMMAND_TTL_S * 1000,
      passwordWindowMs: e.HJ212_COMMAND_PASSWORD_WINDOW_S * 1000,
    },
    frameLogScanMax: e.HJ212_FRAME_LOG_SCAN_MAX,
    accounts: {
      sessionIdleMs: e.HJ212_SESSION_IDLE_S * 1000,
      sessionMaxMs: e.HJ212_SESSION_MAX_S * 1000,
      sessionsPerUser: e.HJ212_SESSIONS_PER_USER,
      cookieSecure: e.HJ212_COOKIE_SECURE === 'true',
      login: {
        userFailures: e.HJ212_LOGIN_USER_FAILURES,
        addressFailures: e.HJ212_LOGIN_ADDRESS_FAILURES,
        lockBaseMs: e.HJ212_LOGIN_LOCK_BASE_S * 1000,
        lockMaxMs: e.HJ212_LOGIN_LOCK_MAX_S * 1000,
        hashConcurrency: e.HJ212_LOGIN_HASH_CONCURRENCY,
        hashQueue: e.HJ212_LOGIN_HASH_QUEUE,
      },
    },
  });
}

/** The storage and archive limits with every HJ212_* default (for gateways built without a Config, e.g. in tests). */
export function defaultLimits(): Pick<Config, 'storageLimits' | 'archive'> {
  const { storageLimits, archive } = DEFAULT_CONFIG;
  return { storageLimits, archive };
}

/** The configuration of an empty environment: the defaults, for code and tests that run without a loaded config. */
export const DEFAULT_CONFIG: Config = loadConfig({});
