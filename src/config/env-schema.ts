/** Every HJ212_* environment variable the platform reads, its type, bounds and default (zod). */
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
  HJ212_INFLUX_FLUSH_MS: positiveInt.default(25),
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
  /** Latest values are held in memory and written to Redis this often (newest per collector + kind + factor), ms. */
  HJ212_LATEST_FLUSH_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  /**
   * Collector status (last frame and ack, frames and rejections today) is collected in gateway memory and written to
   * Redis this often, ms: at most this stale in the API and console. Each write costs Redis about one entry per
   * collector that sent anything since the last.
   */
  HJ212_SESSION_FLUSH_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
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
  /**
   * Check jobs a gateway hands to BullMQ per second at most; the rest wait in memory (one per collector, kind and
   * hour) for the next second. A restarted gateway, or the turn of an hour, asks for one job per collector and kind at
   * once: paced, adding them does not stall the frames of that second (each add costs the gateway ~40 us).
   */
  HJ212_CHECK_ADDS_PER_S: positiveInt.default(1000),
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
  /** Accounts and API tokens an enterprise main account may create for its enterprise (each kind; revoked and disabled ones count: records are kept). */
  HJ212_ENTERPRISE_ACCOUNTS_MAX: positiveInt.max(1_000_000).default(1000),
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
