import { demoId, demoVariants } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';
import { StockLevel } from './stock-level.entity.js';
import { StockMovementKind } from './stock-movement-kind.js';
import { StockMovement } from './stock-movement.entity.js';

/** Opening stock of every demo variant, with its store and the RESTOCK movement that explains it. */
export function seedStock(em: EntityManager): void {
  for (const variant of demoVariants) {
    const variantId = demoId(variant.key);
    em.create(StockLevel, {
      variantId,
      storeId: demoId(variant.product.store),
      onHand: variant.onHand,
      lowStockThreshold: variant.lowStockThreshold,
      // A variant that opens below its threshold never crossed it: no alert until it has been above once.
      lowStockArmed: variant.onHand >= variant.lowStockThreshold,
    });
    em.create(StockMovement, {
      variantId,
      kind: StockMovementKind.RESTOCK,
      delta: variant.onHand,
      reason: 'Demo shop opening stock',
    });
  }
}
