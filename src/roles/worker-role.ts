/**
 * Composition of the worker role: Redis ledgers, InfluxDB readings, the catalog and the command bus handed to the
 * checks pipeline (BullMQ queues checks / repull / rollup and the reply reader). Several worker processes may run.
 */
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { TUNING, type Config } from '../config.js';
import { systemClock, type Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { DeviceReply } from '../domain/ports.js';
import { createCheckQueues, startCheckWorkers, type CheckWorkers } from '../queue/check-workers.js';
import type { CheckDeps } from '../ledgers/check-deps.js';
import { createCatalogItemSource } from '../ledgers/catalog-items.js';
import { handleReply, type RepullDeps } from '../ledgers/history-repull.js';
import { startReplyReader } from '../queue/reply-reader.js';
import { startCommandSweeper } from '../commands/command-sweeper.js';
import { handleCommandReply, type ReverseControlDeps } from '../commands/reverse-control.js';
import { createRedisCommandLedger } from '../storage/redis/command-ledger.js';
import { createRedisAudit } from '../storage/redis/audit.js';
import type { CheckSettings } from '../ledgers/check-settings.js';
import { createInfluxCheckReadings } from '../storage/influx/check-readings.js';
import { createInfluxQuery } from '../storage/influx/query.js';
import { createRedisCatalog } from '../storage/redis/catalog.js';
import { createRedisCheckState, createRedisRepullTracker, createRedisRollupStore } from '../storage/redis/check-state.js';
import { createRedisCommandBus } from '../storage/redis/command-bus.js';
import { createRedisLedgerStore } from '../storage/redis/ledgers.js';
import { createRedisRegistry } from '../storage/redis/registry.js';
import { createRedisSessions } from '../storage/redis/sessions.js';

/** Test and tuning hooks; production passes none. */
export interface WorkerRoleOverrides {
  settings?: Partial<CheckSettings>;
  clock?: Clock;
}

export interface WorkerRole {
  workers: CheckWorkers;
  close(): Promise<void>;
}

/** Start the checks pipeline; `close()` finishes the jobs in progress and releases every connection. */
export async function startWorkerRole(config: Config, logger: Logger, metrics: Metrics, overrides: WorkerRoleOverrides = {}): Promise<WorkerRole> {
  const log = logger.child({ role: 'worker' });
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
  // Without a listener ioredis prints every failed reconnect to stderr, outside the pino log (seen in the Redis
  // restart fault scenario); commands fail meanwhile and are handled where they are issued.
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const prefix = config.redis.prefix;
  const settings: CheckSettings = { ...TUNING.checks, ...config.checks, ...overrides.settings };
  const clock = overrides.clock ?? systemClock;
  const registry = createRedisRegistry({ redis, prefix, logger: log });
  const sessions = createRedisSessions(redis, { prefix, timeZone: config.timeZone });
  const commands = createRedisCommandBus(redis, { prefix });
  const items = createCatalogItemSource(registry, createRedisCatalog({ redis, prefix }));
  const ledgers = createRedisLedgerStore({ redis, prefix });
  const state = createRedisCheckState(redis, prefix);
  const readings = createInfluxCheckReadings(createInfluxQuery(config.influx));
  const check: CheckDeps = { items, ledgers, readings, state, clock, settings };
  const control: ReverseControlDeps = {
    ledger: createRedisCommandLedger(redis, { prefix, settings: config.commands }),
    bus: commands,
    // Uncached: a set-password's pending password must be read as the API just wrote it.
    registry: createRedisRegistry({ redis, prefix, logger: log, cache: false }),
    audit: createRedisAudit({ redis, prefix }),
    clock,
    settings: config.commands,
    onFinal: (e) => {
      metrics.commands.inc({ name: e.name, state: e.state });
      log.info({ mn: e.mn, command: e.name, cn: e.cn, qn: e.qn, state: e.state, qnRtn: e.qnRtn, exeRtn: e.exeRtn, attempts: e.attempts }, 'command finished');
    },
  };
  const checkQueues = createCheckQueues({ redisUrl: config.redis.url, prefix, logger: log, now: () => clock.now() });
  const repull: RepullDeps = { ledgers, tracker: createRedisRepullTracker(redis, prefix), commands, sessions, items, clock, settings, later: checkQueues.followUps, logger: log };
  const workers = await startCheckWorkers({
    queues: checkQueues,
    redisUrl: config.redis.url,
    prefix,
    logger: log,
    metrics,
    rollupAt: config.rollupAt,
    timeZone: config.timeZone,
    deps: { check, repull, rollup: { items, ledgers, readings, rollups: createRedisRollupStore(redis, prefix), clock, settings }, followUps: checkQueues.followUps, timeZone: config.timeZone },
  });
  // A reply is the re-pull's (its QN is a history request of the tracker) or else an operator command's.
  const onReply = async (reply: DeviceReply): Promise<boolean> => (await handleReply(repull, reply)) || handleCommandReply(control, reply);
  const replies = startReplyReader(
    {
      source: commands,
      state,
      onReply,
      owner: `${config.instanceId ?? hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`,
      leaseMs: Math.max(10_000, settings.replyPollMs * 20),
    },
    settings.replyPollMs,
    (err) => log.warn({ err }, 'reply reader failed; retrying'),
  );
  const owner = `${config.instanceId ?? hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const sweeper = startCommandSweeper(
    control,
    { state, owner, leaseMs: Math.max(10_000, settings.replyPollMs * 20), pollMs: Math.min(settings.replyPollMs, Math.max(50, config.commands.overTimeMs / 5)) },
    (err) => log.warn({ err }, 'command sweeper failed; retrying'),
  );
  log.info({ scanEveryMs: settings.scanEveryMs, rollupAt: config.rollupAt }, 'checks worker started');
  return {
    workers,
    async close() {
      await replies.close();
      await sweeper.close();
      await workers.close();
      sessions.close();
      await registry.close();
      await redis.quit();
    },
  };
}
