/**
 * A short-lived cache of successful token verifications, so an authenticated request costs no Redis round trip
 * while its token was seen within `ttlMs` (the lookup is one EVALSHA, which every request would otherwise pay). Failures are never cached: a new token works at once, and every failed
 * attempt still reaches the store and the failure rate limit.
 *
 * Revocation: through this store (DELETE /tokens/:id) it applies at once, to the token and to the sub-accounts it
 * created; made elsewhere (`hj212 token revoke`, another API replica) it applies within `ttlMs`. Disabling an
 * enterprise calls {@link TokenCache.forgetEnterprise}, so its tokens stop at once in this process. docs/api.md says so.
 */
import type { TokenRecord, TokenStore } from '../domain/catalog.js';

/** Options of {@link createTokenCache}. */
export interface TokenCacheOptions {
  /** How long a verified token is trusted without asking the store. 0 disables the cache. */
  ttlMs: number;
  /** Tokens kept at most; the oldest go first. Default 10,000. */
  maxEntries?: number;
  /** Clock in ms; tests pass their own. */
  now?: () => number;
}

interface Entry {
  expiresAt: number;
  record: TokenRecord;
}

/** A token store with a verification cache. */
export interface TokenCache extends TokenStore {
  /** Forget every cached token of this enterprise (it was disabled); the next verification asks the store. */
  forgetEnterprise(enterpriseId: string): void;
}

/** Wrap `store`; with `ttlMs` 0 nothing is cached. */
export function createTokenCache(store: TokenStore, options: TokenCacheOptions): TokenCache {
  const { ttlMs, maxEntries = 10_000, now = Date.now } = options;
  if (ttlMs <= 0) {
    return {
      create: (input, at) => store.create(input, at),
      get: (id) => store.get(id),
      list: (filter) => store.list(filter),
      verify: (secret) => store.verify(secret),
      revoke: (id, at) => store.revoke(id, at),
      forgetEnterprise: () => undefined,
    };
  }
  const verified = new Map<string, Entry>();
  // Bumped by every revocation: a verification that was in flight meanwhile is not cached.
  let revocations = 0;

  /** Forget the token and the sub-accounts it created. */
  function forget(id: string): void {
    for (const [secret, entry] of verified) if (entry.record.id === id || entry.record.createdBy === id) verified.delete(secret);
  }

  return {
    create: (input, at) => store.create(input, at),
    get: (id) => store.get(id),
    list: (filter) => store.list(filter),
    async verify(secret) {
      const at = now();
      const hit = verified.get(secret);
      if (hit && hit.expiresAt > at) return hit.record;
      verified.delete(secret);
      const seen = revocations;
      const record = await store.verify(secret);
      if (record && seen === revocations) {
        verified.set(secret, { expiresAt: at + ttlMs, record: Object.freeze({ ...record }) });
        for (const key of verified.keys()) {
          if (verified.size <= maxEntries) break;
          verified.delete(key);
        }
      }
      return record;
    },
    forgetEnterprise(enterpriseId) {
      revocations++;
      for (const [secret, entry] of verified) if (entry.record.enterpriseId === enterpriseId) verified.delete(secret);
    },
    async revoke(id, at) {
      revocations++;
      forget(id);
      const record = await store.revoke(id, at);
      revocations++;
      forget(id);
      return record;
    },
  };
}
