import { DEMO_CURRENCY, demoId, demoTimeSale } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';
import { StockLevel } from '../stock/stock-level.entity.js';
import { StockMovementKind } from '../stock/stock-movement-kind.js';
import { StockMovement } from '../stock/stock-movement.entity.js';
import { TimeSale } from './time-sale.entity.js';

/**
 * The demo time-sale. Its units are set aside from the variant's stock up front, so regular orders can
 * never sell what the sale has promised; runs after `seedStock`.
 */
export async function seedTimeSale(em: EntityManager): Promise<void> {
  const demo = demoTimeSale();
  const sale = em.create(TimeSale, {
    id: demoId(demo.key),
    variantId: demoId(demo.variant),
    priceAmount: demo.price,
    currency: DEMO_CURRENCY,
    quantity: demo.quantity,
    perMemberLimit: demo.perMemberLimit,
    startsAt: demo.startsAt,
    endsAt: demo.endsAt,
  });
  const stock = await em.findOneOrFail(StockLevel, { variantId: sale.variantId });
  stock.reserved += sale.quantity;
  stock.lowStockArmed = stock.available >= stock.lowStockThreshold;
  em.create(StockMovement, {
    variantId: sale.variantId,
    kind: StockMovementKind.RESERVATION,
    delta: sale.quantity,
    reason: `Set aside for time-sale ${sale.id}`,
  });
}
