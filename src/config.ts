/**
 * Configuration: parsed once from the environment by zod, frozen, handed down as typed slices.
 * Nothing else reads process.env. Every problem is listed at start (fail fast).
 */
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

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
  /** Failed device logins per minute, per source IP and per MN, before the connection is closed. */
  HJ212_MAX_AUTH_FAILURES_PER_MINUTE: positiveInt.default(10),
  /** Maximum data segment accepted from devices without a per-device allowance (HJ212-2017 6.1: 1024). */
  HJ212_MAX_DATA_LENGTH: positiveInt.default(1024),
  /** Sub-packet reassembly timeout. */
  HJ212_SUBPACKET_TIMEOUT_MS: positiveInt.default(60_000),
  /** How long frame keys are remembered for retransmit de-duplication. */
  HJ212_DEDUPE_TTL_S: positiveInt.default(7 * 24 * 3600),
  /** Raw frame archive length (Redis stream, approximate trimming). */
  HJ212_ARCHIVE_MAX_FRAMES: positiveInt.default(1_000_000),
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
});

export type Env = z.infer<typeof envSchema>;

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
  };
  http: { host: string; port: number; bodyLimit: number };
  influx: InfluxConfig;
  redis: { url: string; prefix: string };
  dedupeTtlS: number;
  archiveMaxFrames: number;
  logLevel: Env['HJ212_LOG_LEVEL'];
  timeZone: string;
  rollupAt: string;
  instanceId?: string;
  /** Checks pipeline settings from the environment (the rest keep their defaults, src/queue/workers/settings.ts). */
  checks: { delayMs: number; scanEveryMs: number; gapGraceMs: number; constantPeriods: number; repullTimeoutMs: number; repullMaxAttempts: number };
  /** Reverse control (src/domain/commands.ts CommandSettings). */
  commands: { overTimeMs: number; reCount: number; execTimeoutMs: number; keepPerMn: number; keepTotal: number; ttlMs: number; passwordWindowMs: number };
  /** Archive entries a frame-log request examines at most. */
  frameLogScanMax: number;
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
    },
    http: { host: e.HJ212_HTTP_HOST, port: e.HJ212_HTTP_PORT, bodyLimit: e.HJ212_HTTP_BODY_LIMIT },
    influx,
    redis: { url: e.HJ212_REDIS_URL, prefix: e.HJ212_REDIS_PREFIX },
    dedupeTtlS: e.HJ212_DEDUPE_TTL_S,
    archiveMaxFrames: e.HJ212_ARCHIVE_MAX_FRAMES,
    logLevel: e.HJ212_LOG_LEVEL,
    timeZone: e.HJ212_TIME_ZONE,
    rollupAt: e.HJ212_ROLLUP_AT,
    instanceId: e.HJ212_INSTANCE_ID,
    checks: {
      delayMs: e.HJ212_CHECK_DELAY_S * 1000,
      scanEveryMs: e.HJ212_CHECK_SCAN_EVERY_S * 1000,
      gapGraceMs: e.HJ212_CHECK_GAP_GRACE_S * 1000,
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
  });
}
