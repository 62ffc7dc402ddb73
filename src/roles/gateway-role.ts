/** Composition of the gateway role: real Redis / InfluxDB / BullMQ adapters handed to the TCP gateway. */
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { TUNING, type Config } from '../config.js';
import { systemClock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { createJobProducer } from '../queue/producer.js';
import { createGateway, type Gateway } from '../server/tcp-server.js';
import { createInfluxWriter } from '../storage/influx/writer.js';
import { createRedisCommandBus } from '../storage/redis/command-bus.js';
import { createRedisArchive } from '../storage/redis/archive.js';
import { createRedisCatalog } from '../storage/redis/catalog.js';
import { createRedisDeadLetters } from '../storage/redis/dead-letters.js';
import { createRedisFactorBudget } from '../storage/redis/factor-budget.js';
import { createRedisRegistry } from '../storage/redis/registry.js';
import { createRedisSessions } from '../storage/redis/sessions.js';
import { createRedisDedupe } from '../storage/redis/dedupe-store.js';
import { createRedisLatest } from '../storage/redis/latest-store.js';

export interface GatewayRole {
  gateway: Gateway;
  port: number;
  close(): Promise<void>;
}

export async function startGatewayRole(config: Config, logger: Logger, metrics: Metrics): Promise<GatewayRole> {
  const log = logger.child({ role: 'gateway' });
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
  // Without a listener ioredis prints every failed reconnect to stderr, outside the pino log (seen in the Redis
  // restart fault scenario); commands fail meanwhile and are handled where they are issued.
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const prefix = config.redis.prefix;
  const instanceId = config.instanceId ?? `${hostname()}:${process.pid}`;
  const sink = createInfluxWriter(config.influx, {
    logger: log,
    observer: {
      batch(points, ms, ok) {
        metrics.batchSize.observe(points);
        metrics.batchLatency.observe(ms / 1000);
        if (!ok) metrics.batchFailures.inc();
      },
    },
  });
  const registry = createRedisRegistry({ redis, prefix, logger: log, maxPending: config.tcp.pendingMax });
  const sessions = createRedisSessions(redis, { prefix, timeZone: config.timeZone, flushMs: config.sessionFlushMs });
  const commands = createRedisCommandBus(redis, {
    prefix,
    onInvalid: (message) => log.warn({ bytes: message.length }, 'ignored a message on the command channel that is not a command'),
  });
  const latest = createRedisLatest(redis, { prefix, maxFields: config.storageLimits.maxLatestFields });
  const jobs = createJobProducer({ connection: { url: config.redis.url }, prefix, logger: log, delayMs: config.checks.delayMs, addsPerFlush: config.checks.addsPerSecond });
  const gateway = createGateway(
    {
      sink,
      registry,
      dedupe: createRedisDedupe(redis, { prefix, ttlSeconds: config.dedupeTtlS, maxPerOwner: config.dedupeMaxPerDevice }),
      latest,
      archive: createRedisArchive(redis, { prefix, maxLength: config.archiveMaxFrames, maxBytes: config.archive.maxBytes }),
      deadLetters: createRedisDeadLetters(redis, { prefix, max: config.deadLettersMax }),
      factorBudget: createRedisFactorBudget(redis, { prefix, maxUnknown: config.storageLimits.maxUnknownFactors, catalog: createRedisCatalog({ redis, prefix }) }),
      jobs,
      sessions,
      commands,
      logger: log,
      metrics,
      clock: systemClock,
    },
    {
      host: config.tcp.host,
      port: config.tcp.port,
      instanceId,
      maxConnections: config.tcp.maxConnections,
      maxConnectionsPerIp: config.tcp.maxConnectionsPerIp,
      idleTimeoutMs: config.tcp.idleTimeoutMs,
      partialFrameTimeoutMs: config.tcp.partialFrameTimeoutMs,
      maxDataLength: config.tcp.maxDataLength,
      maxFrameCeiling: TUNING.gateway.maxFrameCeiling,
      subpacketTimeoutMs: config.tcp.subpacketTimeoutMs,
      maxInflightPerConnection: TUNING.gateway.maxInflightPerConnection,
      maxAuthFailuresPerMinute: config.tcp.maxAuthFailuresPerMinute,
      limits: config.storageLimits,
      archive: config.archive,
      defences: config.tcp.limits,
    },
  );
  await commands.listen(instanceId, (cmd) => {
    if (!gateway.deliver(cmd)) log.info({ mn: cmd.mn, cn: cmd.cn }, 'command for a collector not connected here');
  });
  const address = await gateway.listen();
  log.info({ port: address.port, instanceId }, 'gateway listening');
  return {
    gateway,
    port: address.port,
    async close() {
      await gateway.close();
      await sink.close();
      await jobs.close();
      await sessions.flush();
      sessions.close();
      await commands.close();
      await registry.close();
      await redis.quit();
    },
  };
}
