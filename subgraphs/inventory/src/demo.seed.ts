import type { EntityManager } from '@mikro-orm/postgresql';
import { StockLevel } from './stock/stock-level.entity.js';
import { seedStock } from './stock/stock.seed.js';
import { backfillDemoVariantStores, seedStoreOwners } from './store/store-owner.seed.js';
import { seedTimeSale } from './time-sale/time-sale.seed.js';

/**
 * Seeds the demo shop's store owners, stock and time-sale in one transaction. Each part writes only what
 * is missing, so a second run (or a run on a database seeded by an older version) changes nothing twice.
 */
export async function seedInventory(em: EntityManager): Promise<boolean> {
  return em.transactional(async (tx) => {
    const owners = await seedStoreOwners(tx);
    if ((await tx.count(StockLevel)) > 0) return owners + (await backfillDemoVariantStores(tx)) > 0;
    seedStock(tx);
    await seedTimeSale(tx);
    return true;
  });
}
