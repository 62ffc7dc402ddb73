/**
 * AuditLog in Redis streams, under the deployment prefix:
 *   `audit:<type>:<id>`  one stream per entity, never trimmed: the complete history of that entity
 *   `audit`              every change, trimmed to about `maxRecent` entries: the "what changed lately" view
 * Each stream entry has one field `e` holding the entry's JSON (without its id, which is the stream id).
 */
import type { Redis } from 'ioredis';
import type { AuditEntry, AuditLog } from '../../domain/catalog.js';
import { execAll } from './util.js';

type StreamEntry = [id: string, fields: string[]];

function decode([id, fields]: StreamEntry): AuditEntry {
  const json = fields[fields.indexOf('e') + 1] ?? '{}';
  return { id, ...(JSON.parse(json) as Omit<AuditEntry, 'id'>) };
}

/** Stream ids are `<ms>-<seq>`; anything else would be a Redis syntax error, reported as a bad cursor by callers. */
export function isStreamId(value: string): boolean {
  return /^\d{1,20}-\d{1,20}$/.test(value);
}

/** Create the audit log on a connection owned by the caller. `maxRecent` defaults to 100 000. */
export function createRedisAudit(options: { redis: Redis; prefix: string; maxRecent?: number }): AuditLog {
  const { redis, prefix } = options;
  const maxRecent = options.maxRecent ?? 100_000;
  const recentKey = `${prefix}audit`;
  const entityKey = (entity: AuditEntry['entity']): string => `${prefix}audit:${entity.type}:${entity.id}`;

  return {
    async append(entry) {
      const json = JSON.stringify(entry);
      // MULTI: an entity's history and the recent view never disagree about whether a change happened.
      await execAll(redis.multi().xadd(entityKey(entry.entity), '*', 'e', json).xadd(recentKey, 'MAXLEN', '~', maxRecent, '*', 'e', json));
    },
    async list({ entity, limit, before }) {
      if (before !== undefined && !isStreamId(before)) throw new RangeError(`not a stream id: ${before}`);
      const key = entity ? entityKey(entity) : recentKey;
      const end = before === undefined ? '+' : `(${before}`;
      const entries = (await redis.xrevrange(key, end, '-', 'COUNT', limit)) as StreamEntry[];
      return entries.map(decode);
    },
  };
}
