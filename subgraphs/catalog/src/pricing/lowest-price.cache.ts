import { defineLuaCommands } from '@commerce/kit';
import type { Redis } from 'ioredis';
import type { LowestPrice } from './lowest-price.query.js';

type CachedPrice = LowestPrice['price'];

interface CacheCommands {
  setIfGeneration(valueKey: string, generationKey: string, generation: string, value: string, ttlMs: number): Promise<number>;
}

/**
 * Writes a computed value only if no invalidation happened since the reader looked at the generation:
 * a reader that read the database before a price change cannot put the old price back after the
 * writer's invalidation.
 */
const SET_IF_GENERATION = `
if (redis.call('GET', KEYS[2]) or '0') == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

const valueKey = (productId: string) => `catalog:lowest-price:${productId}`;
const generationKey = (productId: string) => `catalog:lowest-price-gen:${productId}`;
/** Long enough to outlive any reader in flight; refreshed by every invalidation. */
const GENERATION_TTL_SECONDS = 24 * 60 * 60;

/**
 * `Product.lowestPrice` from Redis with a short TTL. Entries are dropped when a price or sale changes
 * (`invalidate`, called after the change commits) and never outlive the next sale-window boundary, when
 * the answer changes with no write at all.
 */
export class LowestPriceCache {
  private readonly redis: Redis & CacheCommands;

  constructor(
    redis: Redis,
    private readonly ttlMs = 30_000,
  ) {
    this.redis = defineLuaCommands<CacheCommands>(redis, { setIfGeneration: { keys: 2, lua: SET_IF_GENERATION } });
  }

  /** Cached prices for `productIds`, computing (and caching) the missing ones in one call of `compute`. */
  async getMany(
    productIds: readonly string[],
    compute: (productIds: string[], now: Date) => Promise<Map<string, LowestPrice>>,
  ): Promise<CachedPrice[]> {
    if (productIds.length === 0) return [];
    const cached = await this.redis.mget(productIds.map(valueKey));
    const missing = productIds.filter((_, index) => cached[index] == null);
    const answers = new Map<string, CachedPrice>();
    if (missing.length > 0) {
      // Read before the database: an invalidation after this point makes our write a no-op.
      const generations = await this.redis.mget(missing.map(generationKey));
      const now = new Date();
      const computed = await compute(missing, now);
      await Promise.all(
        missing.map((productId, index) => {
          const { price, changesAt } = computed.get(productId) ?? { price: null, changesAt: null };
          answers.set(productId, price);
          const ttlMs = Math.min(this.ttlMs, changesAt ? changesAt.getTime() - Date.now() : Infinity);
          if (ttlMs < 1) return undefined;
          return this.redis.setIfGeneration(
            valueKey(productId),
            generationKey(productId),
            generations[index] ?? '0',
            JSON.stringify(price),
            Math.floor(ttlMs),
          );
        }),
      );
    }
    return productIds.map((productId, index) => {
      const hit = cached[index];
      return hit != null ? (JSON.parse(hit) as CachedPrice) : (answers.get(productId) ?? null);
    });
  }

  /** Drops the cached prices of `productIds`; call after the change committed. */
  async invalidate(productIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(productIds)];
    if (ids.length === 0) return;
    const multi = this.redis.multi();
    for (const productId of ids) {
      multi.incr(generationKey(productId));
      multi.expire(generationKey(productId), GENERATION_TTL_SECONDS);
      multi.del(valueKey(productId));
    }
    await multi.exec();
  }
}
