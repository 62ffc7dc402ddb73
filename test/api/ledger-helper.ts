/**
 * The API with its ledger routes on real Redis and InfluxDB: the test API of helper.ts plus the ledger ports, a
 * catalog of two enterprises (one collector, site, point and hour item each) and ledger entries made the way the
 * worker makes them (entries.ts).
 */
import { Queue } from 'bullmq';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApi } from '../../src/api/build-api.js';
import type { LedgerApiDeps } from '../../src/api/ledger-deps.js';
import { newDevice } from '../../src/domain/device-defaults.js';
import type { CheckItem } from '../../src/domain/ledgers.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { bullPrefix, redisConnection } from '../../src/queue/producer.js';
import { createRollupTrigger } from '../../src/queue/rollup-trigger.js';
import { createCatalogItemSource } from '../../src/ledgers/catalog-items.js';
import { createInfluxCheckReadings } from '../../src/storage/influx/check-readings.js';
import { createInfluxQuery } from '../../src/storage/influx/query.js';
import { createInfluxWriter } from '../../src/storage/influx/writer.js';
import { createRedisCatalog } from '../../src/storage/redis/catalog.js';
import { createRedisRollupStore } from '../../src/storage/redis/check-state.js';
import { createRedisLedgerStore } from '../../src/storage/redis/ledgers.js';
import { redisUrl } from '../helpers/services.js';
import { buildTestApi, type TestApi } from './helper.js';

export const HOUR = 3_600_000;
/** 2024-05-10 00:00 in Asia/Shanghai, the day the tests' periods fall in. */
export const D = Date.parse('2024-05-10T00:00:00+08:00');
export const MN_A = 'W0000000000000000000LDA1';
export const MN_B = 'W0000000000000000000LDB1';

export interface LedgerTestApi {
  api: TestApi;
  app: FastifyInstance;
  ledgers: LedgerApiDeps;
  /** The rollup queue, to see what POST /monthly-ledger/rollup enqueued. */
  rollupQueue: Queue;
  /** The check item of a collector (its enterprise is `ent-<mn>`). */
  item(mn: string): Promise<CheckItem>;
  /** Secrets of the enterprise tokens of the two collectors' enterprises. */
  entA: string;
  entB: string;
  call(secret: string | undefined, opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The ledger test API at a fixed clock; `options` are the API settings (e.g. a small `bulkMax`). */
export async function buildLedgerApi(now: number, options: { pageMax?: number; bulkMax?: number } = {}): Promise<LedgerTestApi> {
  const api = await buildTestApi(options);
  const catalog = createRedisCatalog({ redis: api.redis, prefix: api.prefix });
  const writer = createInfluxWriter(api.influx);
  const trigger = createRollupTrigger({ redisUrl: redisUrl(), prefix: api.prefix, now: () => now });
  const items = createCatalogItemSource(api.deps.registry, catalog);
  const ledgers: LedgerApiDeps = {
    ledgers: createRedisLedgerStore({ redis: api.redis, prefix: api.prefix }),
    readings: createInfluxCheckReadings(createInfluxQuery(api.influx)),
    sink: writer,
    items,
    rollups: createRedisRollupStore(api.redis, api.prefix),
    clock: { now: () => now },
    gapGraceMs: 0,
    requestRollup: (month) => trigger.request(month),
  };
  const app = await buildApi({ ...api.deps, ledgers }, { bodyLimit: 64 * 1024, timeZone: 'Asia/Shanghai', ...options });
  await app.ready();
  const at = new Date(0).toISOString();
  const record = { enabled: true, createdAt: at, updatedAt: at };
  for (const mn of [MN_A, MN_B]) {
    const ids = { enterpriseId: `ent-${mn}`, siteId: `site-${mn}`, pointId: `point-${mn}` };
    await catalog.putEnterprise({ id: ids.enterpriseId, name: `Enterprise ${mn}`, ...record });
    await catalog.putSite({ id: ids.siteId, enterpriseId: ids.enterpriseId, name: 'Site', ...record });
    await catalog.putPoint({ id: ids.pointId, enterpriseId: ids.enterpriseId, siteId: ids.siteId, name: 'Outfall', st: '32', ...record });
    await catalog.putItem({ id: `item-${mn}`, ...ids, factor: 'w01018', mode: 'automatic', uploads: [{ kind: 'hour', periodSeconds: 3600 }], standardUpper: 100, startAt: new Date(D).toISOString(), ...record });
    await api.deps.registry.put({ ...newDevice({ mn, password: '654321' }), ...ids });
  }
  const rollupQueue = new Queue(QUEUES.rollup, { connection: redisConnection(redisUrl()), prefix: bullPrefix(api.prefix) });
  return {
    api,
    app,
    ledgers,
    rollupQueue,
    async item(mn) {
      const [item] = await items.itemsOf(mn);
      if (!item) throw new Error(`no item for ${mn}`);
      return item;
    },
    entA: (await api.enterpriseToken(`ent-${MN_A}`)).secret,
    entB: (await api.enterpriseToken(`ent-${MN_B}`)).secret,
    call: (secret, opts) => app.inject({ ...opts, headers: { ...opts.headers, ...(secret === undefined ? {} : { authorization: `Bearer ${secret}` }) } }),
    async close() {
      await app.close();
      await rollupQueue.obliterate({ force: true });
      await rollupQueue.close();
      await trigger.close();
      await writer.close();
      await api.close();
    },
  };
}
