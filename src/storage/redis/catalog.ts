/**
 * CatalogStore in Redis. Keys, all under the deployment prefix:
 *   `catalog:<type>`              hash: id → JSON record (type = enterprise | site | point | item)
 *   `catalog:<type>:of:<parent>`  set of the ids of a parent's children (sites of an enterprise, points of a
 *                                 site, items of a point)
 * Records are written only by this store from validated input, so they are decoded without a schema.
 */
import type { Redis } from 'ioredis';
import type { CatalogRecord, CatalogStore, Enterprise, MonitoringItem, MonitoringPoint, Site } from '../../domain/catalog.js';
import { execAll } from './util.js';

interface Table<T extends CatalogRecord> {
  get(id: string): Promise<T | undefined>;
  list(parentId?: string): Promise<T[]>;
  put(record: T): Promise<void>;
}

/** Oldest first, so lists are stable across calls. */
function byCreation(a: CatalogRecord, b: CatalogRecord): number {
  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

function createTable<T extends CatalogRecord>(redis: Redis, prefix: string, type: string, parentOf?: (record: T) => string): Table<T> {
  const hash = `${prefix}catalog:${type}`;
  const children = (parentId: string): string => `${prefix}catalog:${type}:of:${parentId}`;
  const decode = (json: string | null): T | undefined => (json === null ? undefined : (JSON.parse(json) as T));

  return {
    async get(id) {
      return decode(await redis.hget(hash, id));
    },
    async list(parentId) {
      let records: T[];
      if (parentId === undefined) {
        records = (await redis.hvals(hash)).map((json) => JSON.parse(json) as T);
      } else {
        const ids = await redis.smembers(children(parentId));
        records = ids.length === 0 ? [] : (await redis.hmget(hash, ...ids)).flatMap((json) => decode(json) ?? []);
      }
      return records.sort(byCreation);
    },
    async put(record) {
      const multi = redis.multi().hset(hash, record.id, JSON.stringify(record));
      if (parentOf) multi.sadd(children(parentOf(record)), record.id);
      await execAll(multi);
    },
  };
}

/** Create the Redis catalog on a connection owned by the caller. */
export function createRedisCatalog(options: { redis: Redis; prefix: string }): CatalogStore {
  const { redis, prefix } = options;
  const enterprises = createTable<Enterprise>(redis, prefix, 'enterprise');
  const sites = createTable<Site>(redis, prefix, 'site', (s) => s.enterpriseId);
  const points = createTable<MonitoringPoint>(redis, prefix, 'point', (p) => p.siteId);
  const items = createTable<MonitoringItem>(redis, prefix, 'item', (i) => i.pointId);
  return {
    getEnterprise: enterprises.get,
    listEnterprises: () => enterprises.list(),
    putEnterprise: enterprises.put,
    getSite: sites.get,
    listSites: (filter) => sites.list(filter?.enterpriseId),
    putSite: sites.put,
    getPoint: points.get,
    listPoints: (siteId) => points.list(siteId),
    putPoint: points.put,
    getItem: items.get,
    listItems: (pointId) => items.list(pointId),
    putItem: items.put,
  };
}
