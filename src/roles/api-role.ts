/** Composition of the API role: Redis catalog, tokens, audit, registry and sessions, InfluxQL readings. */
import { Redis } from 'ioredis';
import { buildApi } from '../api/build-api.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { createInfluxQuery } from '../storage/influx-query.js';
import { createInfluxReadings } from '../storage/influx-readings.js';
import { createRedisAudit } from '../storage/redis-audit.js';
import { createRedisCatalog } from '../storage/redis-catalog.js';
import { createRedisRegistry } from '../storage/redis-registry.js';
import { createRedisSessions } from '../storage/redis-sessions.js';
import { createRedisTokens } from '../storage/redis-tokens.js';

export interface ApiRole {
  port: number;
  close(): Promise<void>;
}

export async function startApiRole(config: Config, logger: Logger, metrics: Metrics): Promise<ApiRole> {
  const log = logger.child({ role: 'api' });
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 3 });
  const prefix = config.redis.prefix;
  const influx = createInfluxQuery(config.influx);
  const registry = createRedisRegistry({ redis, prefix, logger: log });
  const sessions = createRedisSessions(redis, { prefix, timeZone: config.timeZone });
  const app = await buildApi(
    {
      registry,
      sessions,
      catalog: createRedisCatalog({ redis, prefix }),
      tokens: createRedisTokens({ redis, prefix }),
      audit: createRedisAudit({ redis, prefix }),
      readings: createInfluxReadings(influx),
      probes: [
        { name: 'influxdb', check: () => influx.ping() },
        { name: 'redis', check: async () => (await redis.ping()) === 'PONG' },
      ],
      metrics,
    },
    { bodyLimit: config.http.bodyLimit, timeZone: config.timeZone, logger: log },
  );
  await app.listen({ host: config.http.host, port: config.http.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  log.info({ port }, 'API listening');
  return {
    port,
    async close() {
      await app.close();
      sessions.close();
      await registry.close();
      await redis.quit();
    },
  };
}
