/**
 * WebSessionStore in Redis. The cookie carries 32 random bytes (base64url); only their SHA-256 is a key, so a Redis
 * dump does not sign anyone in. Keys, under the deployment prefix:
 *   `web-session:<sha256>`     JSON WebSession, expiring with the session (idle or absolute, whichever is first)
 *   `web-sessions:<username>`  sorted set of the user's session hashes by creation time (the per-user cap)
 * Expiry is also checked against the caller's clock in the scripts, so tests move time without sleeping.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { WebSession, WebSessionStore } from '../../domain/accounts.js';
import { defineScript, runScript } from './util.js';

/** Options of {@link createRedisWebSessions}. */
export interface WebSessionOptions {
  redis: Redis;
  prefix: string;
  /** A session unused this long ends (HJ212_SESSION_IDLE_S). */
  idleMs: number;
  /** A session ends this long after sign-in whatever its use (HJ212_SESSION_MAX_S). */
  maxMs: number;
  /** Sessions one account keeps; a new one ends the oldest (HJ212_SESSIONS_PER_USER). */
  perUser: number;
}

/** The cookie value's shape: 32 bytes base64url. Anything else is not looked up. */
export const SESSION_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

// KEYS: session key, user's set. ARGV: JSON, ttl ms, now, created-before cutoff (absolute expiry), cap, hash, key
// prefix, max ms. The oldest sessions beyond the cap (never the new one) end.
// Returns the number of older sessions ended by the cap.
const CREATE = defineScript(`
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
-- Scores strictly increase per user (sign-ins within one millisecond keep their order for the cap).
local score = tonumber(ARGV[3])
local top = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if top[2] and tonumber(top[2]) >= score then score = tonumber(top[2]) + 0.001 end
redis.call('ZADD', KEYS[2], string.format('%.3f', score), ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
local dropped = 0
if over > 0 then
  for _, h in ipairs(redis.call('ZRANGE', KEYS[2], 0, over)) do
    if dropped < over and h ~= ARGV[6] then
      redis.call('ZREM', KEYS[2], h)
      redis.call('DEL', ARGV[7] .. h)
      dropped = dropped + 1
    end
  end
end
redis.call('PEXPIRE', KEYS[2], ARGV[8])
return dropped
`);

// KEYS: session key. ARGV: now, idle ms, max ms. Renews the idle expiry; deletes and returns false when expired.
const TOUCH = defineScript(`
local json = redis.call('GET', KEYS[1])
if not json then return false end
local s = cjson.decode(json)
local now = tonumber(ARGV[1])
local ends = s.createdAt + tonumber(ARGV[3])
if now >= ends or now >= s.lastSeenAt + tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  return false
end
s.lastSeenAt = math.max(s.lastSeenAt, now)
s.expiresAt = math.min(s.lastSeenAt + tonumber(ARGV[2]), ends)
local out = cjson.encode(s)
redis.call('SET', KEYS[1], out, 'PX', math.max(1, s.expiresAt - now))
return out
`);

/** Create the session store on a connection owned by the caller. */
export function createRedisWebSessions(options: WebSessionOptions): WebSessionStore {
  const { redis, prefix, idleMs, maxMs, perUser } = options;
  const keyPrefix = `${prefix}web-session:`;
  const userKey = (username: string): string => `${prefix}web-sessions:${username}`;

  return {
    async create(username, now) {
      const secret = randomBytes(32).toString('base64url');
      const hash = hashOf(secret);
      const session: WebSession = { username, csrfToken: randomBytes(32).toString('base64url'), createdAt: now, lastSeenAt: now, expiresAt: now + Math.min(idleMs, maxMs) };
      const dropped = (await runScript(
        redis,
        CREATE,
        [keyPrefix + hash, userKey(username)],
        [JSON.stringify(session), Math.min(idleMs, maxMs), now, now - maxMs, perUser, hash, keyPrefix, maxMs],
      )) as number;
      return { secret, session, dropped };
    },
    async touch(secret, now) {
      if (!SESSION_SECRET_PATTERN.test(secret)) return undefined;
      const json = (await runScript(redis, TOUCH, [keyPrefix + hashOf(secret)], [now, idleMs, maxMs])) as string | null;
      return json === null ? undefined : (JSON.parse(json) as WebSession);
    },
    async delete(secret) {
      if (!SESSION_SECRET_PATTERN.test(secret)) return;
      const hash = hashOf(secret);
      const json = await redis.get(keyPrefix + hash);
      await redis.del(keyPrefix + hash);
      if (json !== null) await redis.zrem(userKey((JSON.parse(json) as WebSession).username), hash);
    },
    async deleteAll(username, exceptSecret) {
      const keep = exceptSecret === undefined ? undefined : hashOf(exceptSecret);
      const hashes = (await redis.zrange(userKey(username), 0, -1)).filter((h) => h !== keep);
      if (hashes.length === 0) return 0;
      const ended = await redis.del(...hashes.map((h) => keyPrefix + h));
      await redis.zrem(userKey(username), ...hashes);
      return ended;
    },
  };
}
