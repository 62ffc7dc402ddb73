/** Parse and validate the environment once into a frozen Config; the defaults of an empty environment. */
import { envSchema } from './env-schema.js';
import { ConfigError, type Config, type InfluxConfig } from './types.js';

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
    sessionFlushMs: e.HJ212_SESSION_FLUSH_MS,
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
      latestFlushMs: e.HJ212_LATEST_FLUSH_MS,
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
      addsPerSecond: e.HJ212_CHECK_ADDS_PER_S,
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
      enterpriseAccountsMax: e.HJ212_ENTERPRISE_ACCOUNTS_MAX,
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
