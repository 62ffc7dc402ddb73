/**
 * Checks at every token verification that go beyond the token record (issue 11 finding 7): an enterprise token works
 * only while its enterprise is enabled, and a sub-account only while the main account that created it is not
 * revoked. So disabling an enterprise or revoking a main account (through the API, the CLI or another replica)
 * stops the tokens that hang off it; the token cache in front (src/api/token-cache.ts) forgets them at once in this
 * process and within its TTL elsewhere.
 */
import type { CatalogStore, TokenStore } from '../domain/catalog.js';

export function createTokenGuard(store: TokenStore, catalog: Pick<CatalogStore, 'getEnterprise'>): TokenStore {
  return {
    create: (input, at) => store.create(input, at),
    get: (id) => store.get(id),
    list: (filter) => store.list(filter),
    revoke: (id, at) => store.revoke(id, at),
    async verify(secret) {
      const record = await store.verify(secret);
      if (!record || record.role !== 'enterprise') return record;
      const [enterprise, creator] = await Promise.all([
        record.enterpriseId === undefined ? undefined : catalog.getEnterprise(record.enterpriseId),
        record.main ? undefined : store.get(record.createdBy),
      ]);
      if (!enterprise?.enabled) return undefined;
      // A sub-account made by a main account of its enterprise dies with it (admin- or CLI-made ones have no such parent).
      if (creator && creator.role === 'enterprise' && creator.main && creator.revokedAt !== undefined) return undefined;
      return record;
    },
  };
}
