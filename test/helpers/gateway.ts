/** Starts the real gateway role (real Redis, InfluxDB, BullMQ) on an ephemeral port with a fresh prefix/database. */
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/log.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import { startGatewayRole, type GatewayRole } from '../../src/roles/gateway-role.js';
import { createInfluxQuery, type InfluxQuery } from '../../src/storage/influx/query.js';
import { createRedisRegistry } from '../../src/storage/redis/registry.js';
import { newDevice, type NewDeviceInput } from '../../src/domain/device-defaults.js';
import type { DeviceRegistry } from '../../src/domain/ports.js';
import { freshDatabase, freshPrefix, influxUrl, redisUrl } from './services.js';

export interface TestGateway {
  role: GatewayRole;
  port: number;
  config: Config;
  metrics: Metrics;
  redis: Redis;
  registry: DeviceRegistry;
  influx: InfluxQuery;
  addDevice(input: NewDeviceInput): Promise<void>;
  /** Rows of a measurement for one MN, oldest first. */
  rows(measurement: string, mn: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/** Environment of a gateway-only process on 127.0.0.1, ephemeral port, a fresh Redis prefix and InfluxDB database. */
export function testGatewayEnv(env: Record<string, string> = {}): Record<string, string> {
  return {
    HJ212_ROLES: 'gateway',
    HJ212_TCP_HOST: '127.0.0.1',
    HJ212_TCP_PORT: '0',
    HJ212_REDIS_URL: redisUrl(),
    HJ212_REDIS_PREFIX: freshPrefix(),
    HJ212_INFLUX_URL: influxUrl(),
    HJ212_INFLUX_DATABASE: freshDatabase(),
    ...env,
  };
}

/** `options.logger` receives the gateway's log (default: silent); `options.logLines`: the gateway logs at info level and every JSON line written is pushed there. */
export async function startTestGateway(env: Record<string, string> = {}, options: { logger?: Logger; logLines?: string[] } = {}): Promise<TestGateway> {
  const config = loadConfig(testGatewayEnv({ HJ212_LOG_LEVEL: 'silent', ...env }));
  const metrics = createMetrics({ defaults: false });
  const lines = options.logLines;
  const logger = options.logger ?? (lines ? createLogger('info', { write: (line: string) => void lines.push(line) }) : createLogger('silent'));
  const role = await startGatewayRole(config, logger, metrics);
  const redis = new Redis(config.redis.url);
  const registry = createRedisRegistry({ redis, prefix: config.redis.prefix });
  const influx = createInfluxQuery({ ...config.influx, url: influxUrl() });
  return {
    role,
    port: role.port,
    config,
    metrics,
    redis,
    registry,
    influx,
    addDevice: (input) => registry.put(newDevice(input)),
    async rows(measurement, mn) {
      const series = await influx.query(`SELECT * FROM "${measurement}" WHERE mn = '${mn}'`);
      const s = series[0];
      if (!s) return [];
      return s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]])));
    },
    async close() {
      await role.close();
      await registry.close();
      await redis.quit();
    },
  };
}
