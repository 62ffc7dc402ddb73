/**
 * TokenStore in Redis. A token is `hj212_` + 32 random bytes (base64url); only its SHA-256 is stored. A plain hash
 * is enough (no salt, no slow KDF): the secret has 256 bits of entropy, so there is nothing to brute-force, and
 * lookup by hash keeps authentication at one Redis round trip. Keys, under the deployment prefix:
 *   `tokens`              hash: id → JSON { record, hash }
 *   `token-hash:<sha256>` id of the live token with that hash (deleted on revocation)
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { TokenRecord, TokenStore } from '../../domain/catalog.js';
import { defineScript, execAll, runScript } from './util.js';

/** Recognisable prefix, so secret scanners and people can tell what leaked. */
const TOKEN_PREFIX = 'hj212_';

interface StoredToken {
  record: TokenRecord;
  hash: string;
}

/** SHA-256 of a token secret, hex. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

// One round trip per authenticated request: hash → id → record.
const VERIFY = defineScript(`
local id = redis.call('GET', KEYS[1])
if not id then return false end
return redis.call('HGET', KEYS[2], id)
`);

/** Create the token store on a connection owned by the caller. */
export function createRedisTokens(options: { redis: Redis; prefix: string }): TokenStore {
  const { redis, prefix } = options;
  const table = `${prefix}tokens`;
  const hashKey = (hash: string): string => `${prefix}token-hash:${hash}`;

  async function load(id: string): Promise<StoredToken | undefined> {
    const json = await redis.hget(table, id);
    return json === null ? undefined : (JSON.parse(json) as StoredToken);
  }

  return {
    async create(input, now = new Date()) {
      const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      const hash = hashToken(secret);
      const record: TokenRecord = { id: randomBytes(8).toString('hex'), ...input, createdAt: now.toISOString() };
      if (record.enterpriseId === undefined) delete record.enterpriseId;
      const stored: StoredToken = { record, hash };
      await execAll(redis.multi().hset(table, record.id, JSON.stringify(stored)).set(hashKey(hash), record.id));
      return { record, secret };
    },
    async verify(secret) {
      if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
      const json = (await runScript(redis, VERIFY, [hashKey(hashToken(secret)), table], [])) as string | null;
      if (json === null) return undefined;
      const { record } = JSON.parse(json) as StoredToken;
      return record.revokedAt === undefined ? record : undefined;
    },
    async get(id) {
      return (await load(id))?.record;
    },
    async list(filter) {
      const all = (await redis.hvals(table)).map((json) => (JSON.parse(json) as StoredToken).record);
      const wanted = filter?.enterpriseId === undefined ? all : all.filter((t) => t.enterpriseId === filter.enterpriseId);
      return wanted.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async revoke(id, now = new Date()) {
      const stored = await load(id);
      if (!stored) return undefined;
      if (stored.record.revokedAt !== undefined) return stored.record;
      const record: TokenRecord = { ...stored.record, revokedAt: now.toISOString() };
      await execAll(redis.multi().hset(table, id, JSON.stringify({ record, hash: stored.hash })).del(hashKey(stored.hash)));
      return record;
    },
  };
}
