/**
 * The API on real Redis and InfluxDB for one test file (fastify/demo `test/helper.ts`): a fresh key prefix and
 * database, one token per role, and helpers to call it through `inject` and to write readings with line protocol.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { buildApi, type ApiDeps } from '../../src/api/build-api.js';
import type { Role, TokenRecord } from '../../src/domain/catalog.js';
import { createMetrics } from '../../src/metrics.js';
import { createInfluxQuery } from '../../src/storage/influx/query.js';
import { createInfluxReadings } from '../../src/storage/influx/readings.js';
import { createRedisAudit } from '../../src/storage/redis/audit.js';
import { createRedisCatalog } from '../../src/storage/redis/catalog.js';
import { createRedisFactorBudget } from '../../src/storage/redis/factor-budget.js';
import { createRedisRegistry } from '../../src/storage/redis/registry.js';
import { createRedisSessions } from '../../src/storage/redis/sessions.js';
import { createRedisTokens } from '../../src/storage/redis/tokens.js';
import { createRedisUsers } from '../../src/storage/redis/users.js';
import { createRedisWebSessions } from '../../src/storage/redis/web-sessions.js';
import { systemClock } from '../../src/domain/clock.js';
import { DEFAULT_CONFIG, type AccountSettings, type InfluxConfig } from '../../src/config.js';
import type { Logger } from '../../src/log.js';
import { createRedisCommandLedger } from '../../src/storage/redis/command-ledger.js';
import { createRedisCommandBus } from '../../src/storage/redis/command-bus.js';
import { createRedisFrameLog } from '../../src/storage/redis/frame-log.js';
import { freshDatabase, freshPrefix, influxUrl, redisUrl } from '../helpers/services.js';

export interface TestApi {
  app: FastifyInstance;
  deps: ApiDeps;
  redis: Redis;
  prefix: string;
  database: string;
  influx: InfluxConfig;
  /** Secrets of one token per role (the enterprise one is made by {@link enterpriseToken}). */
  token: Record<Exclude<Role, 'enterprise'>, string>;
  /** Call the API with a token secret (or none). */
  call(secret: string | undefined, opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** A new enterprise token of that enterprise. */
  enterpriseToken(enterpriseId: string, main?: boolean): Promise<{ secret: string; record: TokenRecord }>;
  /** Write InfluxDB line protocol (ms precision) straight into the test database. */
  writeLines(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

async function influxStatement(url: string, q: string): Promise<void> {
  const res = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
  if (!res.ok) throw new Error(`InfluxDB ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

/** Options of {@link buildTestApi}: `authFailures` overrides the failed-authentication limit, the rest the API settings. */
export interface TestApiOptions {
  authFailures?: { max: number; timeWindowMs: number };
  timeZone?: string;
  /** HJ212_API_PAGE_MAX / HJ212_API_BULK_MAX; the API's defaults when absent. */
  pageMax?: number;
  bulkMax?: number;
  /** Directory of the web console to serve (src/api/console.ts); the built dist/console when absent. */
  consoleDir?: string | false;
  /** Account settings (sessions, sign-in limits); DEFAULT_CONFIG's when absent. */
  accounts?: Partial<Omit<AccountSettings, 'login'>> & { login?: Partial<AccountSettings['login']> };
  /** Clock of sessions and sign-in lockouts (ms). */
  now?: () => number;
  /** pino logger of the API (silent when absent). */
  logger?: Logger;
}

/** scrypt cost of test accounts: cheap, so sign-in tests do not spend the machine on hashing. */
export const TEST_SCRYPT_COST = { N: 1024, r: 8, p: 1 };

/** Build the API for a test file. */
export async function buildTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const prefix = freshPrefix();
  const database = freshDatabase();
  const url = influxUrl();
  await influxStatement(url, `CREATE DATABASE "${database}"`);
  const influx: InfluxConfig = { kind: 'v1', url, database, batchSize: 1000, flushMs: 10, maxPending: 10_000 };
  const redis = new Redis(redisUrl());
  const influxQuery = createInfluxQuery(influx);
  const sessions = createRedisSessions(redis, { prefix, timeZone: 'Asia/Shanghai' });
  const registry = createRedisRegistry({ redis, prefix, cache: false });
  const settings = DEFAULT_CONFIG.commands;
  const deps: ApiDeps = {
    registry,
    sessions,
    catalog: createRedisCatalog({ redis, prefix }),
    tokens: createRedisTokens({ redis, prefix }),
    audit: createRedisAudit({ redis, prefix }),
    readings: createInfluxReadings(influxQuery),
    factorBudget: createRedisFactorBudget(redis, { prefix, maxUnknown: 32 }),
    probes: [
      { name: 'influxdb', check: () => influxQuery.ping() },
      { name: 'redis', check: async () => (await redis.ping()) === 'PONG' },
    ],
    metrics: createMetrics({ defaults: false }),
    // Reverse control and the frame log (no gateway here: commands find collectors offline).
    commands: { ledger: createRedisCommandLedger(redis, { prefix, settings }), bus: createRedisCommandBus(redis, { prefix }), registry, clock: systemClock, settings },
    frames: { log: createRedisFrameLog(redis, { prefix }), scanMax: 1000 },
    accounts: accountDeps(redis, prefix, options.accounts),
  };
  const { pageMax, bulkMax, consoleDir, now } = options;
  const app = await buildApi(deps, { bodyLimit: 64 * 1024, timeZone: options.timeZone ?? 'Asia/Shanghai', authFailures: options.authFailures, pageMax, bulkMax, consoleDir, now, logger: options.logger });
  await app.ready();

  const token = {} as Record<Exclude<Role, 'enterprise'>, string>;
  for (const role of ['admin', 'ops', 'regulator', 'reader'] as const) {
    token[role] = (await deps.tokens.create({ name: `test ${role}`, role, main: false, createdBy: 'test' })).secret;
  }
  return {
    app,
    deps,
    redis,
    prefix,
    database,
    influx,
    token,
    call: (secret, opts) => app.inject({ ...opts, headers: { ...opts.headers, ...(secret === undefined ? {} : { authorization: `Bearer ${secret}` }) } }),
    enterpriseToken: (enterpriseId, main = true) => deps.tokens.create({ name: `enterprise ${enterpriseId}`, role: 'enterprise', enterpriseId, main, createdBy: 'test' }),
    async writeLines(lines) {
      const res = await fetch(`${url}/write?db=${database}&precision=ms`, { method: 'POST', body: lines.join('\n') });
      if (res.status !== 204) throw new Error(`InfluxDB write ${res.status}: ${await res.text()}`);
    },
    async close() {
      await app.close();
      sessions.close();
      await deps.registry.close();
      await influxStatement(url, `DROP DATABASE "${database}"`);
      await redis.quit();
    },
  };
}

function accountDeps(redis: Redis, prefix: string, overrides: TestApiOptions['accounts'] = {}): NonNullable<ApiDeps['accounts']> {
  const defaults = DEFAULT_CONFIG.accounts;
  const settings: AccountSettings = { ...defaults, ...overrides, login: { ...defaults.login, ...overrides.login } };
  return {
    users: createRedisUsers({ redis, prefix, cost: TEST_SCRYPT_COST }),
    sessions: createRedisWebSessions({ redis, prefix, idleMs: settings.sessionIdleMs, maxMs: settings.sessionMaxMs, perUser: settings.sessionsPerUser }),
    settings,
  };
}

/** JSON body of a response. */
export function body<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return res.json<T>();
}
