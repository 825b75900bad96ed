import type { EntityManager } from '@mikro-orm/postgresql';
import { StockLevel } from './stock/stock-level.entity.js';
import { seedStock } from './stock/stock.seed.js';
import { seedTimeSale } from './time-sale/time-sale.seed.js';

/** Seeds the demo shop's stock and time-sale in one transaction when the subgraph holds no stock yet. */
export async function seedInventory(em: EntityManager): Promise<boolean> {
  return em.transactional(async (tx) => {
    if ((await tx.count(StockLevel)) > 0) return false;
    seedStock(tx);
    await seedTimeSale(tx);
    return true;
  });
}
