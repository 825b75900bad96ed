import { entityByIdLoader, type SubgraphContext } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { InventoryServices } from './inventory.services.js';
import { stockLevelByVariantIdLoader } from './stock/stock-level.loader.js';
import { TimeSale } from './time-sale/time-sale.entity.js';

export function createInventoryLoaders(em: EntityManager) {
  return {
    stockLevelByVariantId: stockLevelByVariantIdLoader(em),
    timeSaleById: entityByIdLoader(em, TimeSale),
  };
}

export type InventoryLoaders = ReturnType<typeof createInventoryLoaders>;
export type InventoryContext = SubgraphContext<InventoryLoaders, InventoryServices>;
