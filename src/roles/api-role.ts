/** Composition of the API role: Redis catalog, tokens, accounts, audit, registry and sessions, InfluxQL readings. */
import { Redis } from 'ioredis';
import { buildApi } from '../api/build-api.js';
import type { LedgerApiDeps } from '../api/ledger-deps.js';
import type { Config } from '../config.js';
import { systemClock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { createRollupTrigger } from '../queue/rollup-trigger.js';
import { createCatalogItemSource } from '../ledgers/catalog-items.js';
import { createInfluxCheckReadings } from '../storage/influx/check-readings.js';
import { createInfluxQuery } from '../storage/influx/query.js';
import { createInfluxWriter } from '../storage/influx/writer.js';
import { createInfluxReadings } from '../storage/influx/readings.js';
import { createRedisAudit } from '../storage/redis/audit.js';
import { createRedisCatalog } from '../storage/redis/catalog.js';
import { createRedisFactorBudget } from '../storage/redis/factor-budget.js';
import { createRedisCommandLedger } from '../storage/redis/command-ledger.js';
import { createRedisCommandBus } from '../storage/redis/command-bus.js';
import { createRedisFrameLog } from '../storage/redis/frame-log.js';
import { createRedisRollupStore } from '../storage/redis/check-state.js';
import { createRedisLedgerStore } from '../storage/redis/ledgers.js';
import { createRedisRegistry } from '../storage/redis/registry.js';
import { createRedisSessions } from '../storage/redis/sessions.js';
import { createRedisTokens } from '../storage/redis/tokens.js';
import { createRedisUsers } from '../storage/redis/users.js';
import { createRedisWebSessions } from '../storage/redis/web-sessions.js';

export interface ApiRole {
  port: number;
  close(): Promise<void>;
}

export async function startApiRole(config: Config, logger: Logger, metrics: Metrics): Promise<ApiRole> {
  const log = logger.child({ role: 'api' });
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 3 });
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const prefix = config.redis.prefix;
  const influx = createInfluxQuery(config.influx);
  const registry = createRedisRegistry({ redis, prefix, logger: log });
  const sessions = createRedisSessions(redis, { prefix, timeZone: config.timeZone });
  const catalog = createRedisCatalog({ redis, prefix });
  // Manual back-fills (数据录入) are the API's only InfluxDB writes; the trigger enqueues on-demand rollups.
  const manualWriter = createInfluxWriter(config.influx, { logger: log });
  const rollupTrigger = createRollupTrigger({ redisUrl: config.redis.url, prefix });
  const ledgers: LedgerApiDeps = {
    ledgers: createRedisLedgerStore({ redis, prefix }),
    readings: createInfluxCheckReadings(influx),
    sink: manualWriter,
    items: createCatalogItemSource(registry, catalog),
    rollups: createRedisRollupStore(redis, prefix),
    clock: systemClock,
    gapGraceMs: config.checks.gapGraceMs,
    onReadMaxCollectors: config.ledgerOnReadMaxCollectors,
    rules: { constantPeriods: config.checks.constantPeriods },
    requestRollup: (month) => rollupTrigger.request(month),
  };
  const app = await buildApi(
    {
      registry,
      sessions,
      catalog,
      tokens: createRedisTokens({ redis, prefix }),
      audit: createRedisAudit({ redis, prefix }),
      readings: createInfluxReadings(influx),
      factorBudget: createRedisFactorBudget(redis, { prefix, maxUnknown: config.storageLimits.maxUnknownFactors }),
      probes: [
        { name: 'influxdb', check: () => influx.ping() },
        { name: 'redis', check: async () => (await redis.ping()) === 'PONG' },
      ],
      metrics,
      ledgers,
      // Commands are published like the worker's re-pulls; the worker follows their answers (docs/api.md "Commands").
      commands: {
        ledger: createRedisCommandLedger(redis, { prefix, settings: config.commands }),
        bus: createRedisCommandBus(redis, { prefix }),
        registry,
        clock: systemClock,
        settings: config.commands,
        // The API finishes only commands that found their collector offline; the worker reports the rest.
        onFinal: (e) => metrics.commands.inc({ name: e.name, state: e.state }),
      },
      frames: { log: createRedisFrameLog(redis, { prefix }), scanMax: config.frameLogScanMax },
      accounts: {
        users: createRedisUsers({ redis, prefix }),
        sessions: createRedisWebSessions({ redis, prefix, idleMs: config.accounts.sessionIdleMs, maxMs: config.accounts.sessionMaxMs, perUser: config.accounts.sessionsPerUser }),
        settings: config.accounts,
      },
    },
    { bodyLimit: config.http.bodyLimit, pageMax: config.http.pageMax, bulkMax: config.http.bulkMax, timeZone: config.timeZone, logger: log },
  );
  await app.listen({ host: config.http.host, port: config.http.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  log.info({ port }, 'API listening');
  return {
    port,
    async close() {
      await app.close();
      await rollupTrigger.close();
      await manualWriter.close();
      sessions.close();
      await registry.close();
      await redis.quit();
    },
  };
}
