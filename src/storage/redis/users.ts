/**
 * UserStore in Redis. Keys, under the deployment prefix:
 *   `users`   hash: user name → JSON { record, passwordHash }
 * The hash is made and checked here (src/storage/redis/user-passwords.ts) and never returned. An unknown user name is
 * checked against a dummy hash of the same cost, so a sign-in takes as long whether the account exists or not.
 */
import type { Redis } from 'ioredis';
import type { UserRecord, UserStore } from '../../domain/accounts.js';
import { defineScript, runScript } from './util.js';
import { DEFAULT_SCRYPT_COST, hashUserPassword, verifyUserPassword, type ScryptCost } from './user-passwords.js';

interface StoredUser {
  record: UserRecord;
  passwordHash: string;
}

// Atomic change of one account (a password change racing a disable loses neither). ARGV: op (password | disable |
// enable), the new hash, now (ISO). Returns the record as JSON, or false when there is no such account.
const UPDATE = defineScript(`
local json = redis.call('HGET', KEYS[1], ARGV[4])
if not json then return false end
local stored = cjson.decode(json)
local op = ARGV[1]
if op == 'password' then
  stored.passwordHash = ARGV[2]
  stored.record.passwordChangedAt = ARGV[3]
elseif op == 'disable' then
  if not stored.record.disabledAt then stored.record.disabledAt = ARGV[3] end
else
  stored.record.disabledAt = nil
end
redis.call('HSET', KEYS[1], ARGV[4], cjson.encode(stored))
return cjson.encode(stored.record)
`);

/** Options of {@link createRedisUsers}. */
export interface RedisUsersOptions {
  redis: Redis;
  prefix: string;
  /** scrypt cost of new hashes; default {@link DEFAULT_SCRYPT_COST} (tests pass a cheaper one). */
  cost?: ScryptCost;
}

/** Create the account store on a connection owned by the caller. */
export function createRedisUsers(options: RedisUsersOptions): UserStore {
  const { redis, prefix, cost = DEFAULT_SCRYPT_COST } = options;
  const table = `${prefix}users`;
  let dummy: Promise<string> | undefined;

  async function load(username: string): Promise<StoredUser | undefined> {
    const json = await redis.hget(table, username);
    return json === null ? undefined : (JSON.parse(json) as StoredUser);
  }
  async function update(username: string, op: 'password' | 'disable' | 'enable', hash: string, now: Date): Promise<UserRecord | undefined> {
    const json = (await runScript(redis, UPDATE, [table], [op, hash, now.toISOString(), username])) as string | null;
    return json === null ? undefined : (JSON.parse(json) as UserRecord);
  }

  return {
    async create(input, now = new Date()) {
      const { password, ...rest } = input;
      const record: UserRecord = { ...rest, createdAt: now.toISOString(), passwordChangedAt: now.toISOString() };
      if (record.enterpriseId === undefined) delete record.enterpriseId;
      const passwordHash = await hashUserPassword(password, cost);
      const added = await redis.hsetnx(table, record.username, JSON.stringify({ record, passwordHash } satisfies StoredUser));
      return added === 1 ? record : undefined;
    },
    async get(username) {
      return (await load(username))?.record;
    },
    async list(filter) {
      const all = (await redis.hvals(table)).map((json) => (JSON.parse(json) as StoredUser).record);
      const wanted = filter?.enterpriseId === undefined ? all : all.filter((u) => u.enterpriseId === filter.enterpriseId);
      return wanted.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.username.localeCompare(b.username));
    },
    async verify(username, password) {
      const stored = await load(username);
      if (!stored) {
        dummy ??= hashUserPassword('not a password of anyone', cost);
        await verifyUserPassword(await dummy, password);
        return undefined;
      }
      return (await verifyUserPassword(stored.passwordHash, password)) ? stored.record : undefined;
    },
    async setPassword(username, password, now = new Date()) {
      if (!(await redis.hexists(table, username))) return undefined;
      return update(username, 'password', await hashUserPassword(password, cost), now);
    },
    async setDisabled(username, disabled, now = new Date()) {
      return update(username, disabled ? 'disable' : 'enable', '', now);
    },
  };
}
