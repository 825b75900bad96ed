import { childrenLoader } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { StockLevel } from './stock-level.entity.js';

export interface StockLevelLoader {
  load(variantId: string): Promise<StockLevel>;
}

/**
 * Stock levels by variant id, one `IN (…)` query per tick. Built on the kit's `childrenLoader` because
 * `entityByIdLoader` expects an `id` key, and here a variant without a row has an empty level, not null.
 */
export function stockLevelByVariantIdLoader(em: EntityManager): StockLevelLoader {
  const rowsByVariant = childrenLoader(em, StockLevel, 'variantId');
  return {
    load: async (variantId) => (await rowsByVariant.load(variantId))[0] ?? StockLevel.empty(variantId),
  };
}
