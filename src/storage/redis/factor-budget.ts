/**
 * The per-collector budget of unknown factor codes in Redis. Keys under the deployment prefix:
 *   `factors:unknown:<MN>`   set of the codes outside the factor table admitted for this collector (at most the cap)
 *   `factors:dropped:<MN>`   count of readings dropped because their code was over the cap
 * Codes of the collector's monitoring items (catalog, via its point) are always admitted and never use the budget.
 * Both keys exist only for registered collectors (the gateway asks only after authentication), so their number is
 * bounded by the registry and their size by the cap (HJ212_MAX_UNKNOWN_FACTORS).
 */
import type { Redis } from 'ioredis';
import type { CatalogStore } from '../../domain/catalog.js';
import type { FactorBudget } from '../../domain/ports.js';
import { defineScript, runScript } from './util.js';

// KEYS[1] the admitted set; ARGV[1] the cap, then the codes. Check and add in one step, so two gateways admitting
// codes of one collector at once never exceed the cap together.
const ADMIT = defineScript(`
local cap = tonumber(ARGV[1])
local out = {}
for i = 2, #ARGV do
  local code = ARGV[i]
  if redis.call('SISMEMBER', KEYS[1], code) == 1 then
    out[#out + 1] = code
  elseif redis.call('SCARD', KEYS[1]) < cap then
    redis.call('SADD', KEYS[1], code)
    out[#out + 1] = code
  end
end
return out
`);

export interface RedisFactorBudgetOptions {
  prefix: string;
  /** Unknown codes admitted per collector (HJ212_MAX_UNKNOWN_FACTORS). */
  maxUnknown: number;
  /** Where the collector's monitoring items come from; without it only the budget applies. */
  catalog?: Pick<CatalogStore, 'listItems'>;
  /** How long a point's item codes are reused before asking the catalog again. Default 30 s. */
  itemsTtlMs?: number;
  now?: () => number;
}

/** Points whose item codes are cached at most (oldest dropped first). */
const MAX_CACHED_POINTS = 10_000;

export function createRedisFactorBudget(redis: Redis, options: RedisFactorBudgetOptions): FactorBudget {
  const { prefix, maxUnknown, catalog, itemsTtlMs = 30_000, now = Date.now } = options;
  const unknownKey = (mn: string): string => `${prefix}factors:unknown:${mn}`;
  const droppedKey = (mn: string): string => `${prefix}factors:dropped:${mn}`;
  const itemCodes = new Map<string, { at: number; codes: ReadonlySet<string> }>();

  async function itemsOf(pointId: string | undefined): Promise<ReadonlySet<string>> {
    if (!catalog || !pointId) return new Set();
    const cached = itemCodes.get(pointId);
    if (cached && now() - cached.at < itemsTtlMs) return cached.codes;
    const codes = new Set((await catalog.listItems(pointId)).map((item) => item.factor));
    itemCodes.delete(pointId);
    itemCodes.set(pointId, { at: now(), codes });
    if (itemCodes.size > MAX_CACHED_POINTS) itemCodes.delete(itemCodes.keys().next().value as string);
    return codes;
  }

  return {
    async admit(device, codes) {
      if (codes.length === 0) return new Set();
      const items = await itemsOf(device.pointId);
      const admitted = new Set<string>();
      const rest: string[] = [];
      for (const code of codes) {
        if (items.has(code)) admitted.add(code);
        else rest.push(code);
      }
      if (rest.length === 0) return admitted;
      const granted = (await runScript(redis, ADMIT, [unknownKey(device.mn)], [maxUnknown, ...rest])) as string[];
      for (const code of granted) admitted.add(code);
      return admitted;
    },
    async dropped(mn, readings) {
      if (readings > 0) await redis.incrby(droppedKey(mn), readings);
    },
    async unknown(mn) {
      const [codes, dropped] = await Promise.all([redis.smembers(unknownKey(mn)), redis.get(droppedKey(mn))]);
      return { codes: codes.sort(), dropped: Number(dropped ?? 0) };
    },
  };
}
