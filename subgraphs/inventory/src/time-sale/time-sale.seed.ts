import { DEMO_CURRENCY, demoId, demoTimeSale } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';
import { StockLevel } from '../stock/stock-level.entity.js';
import { StockMovementKind } from '../stock/stock-movement-kind.js';
import { StockMovement } from '../stock/stock-movement.entity.js';
import { TimeSale } from './time-sale.entity.js';
import { enqueueTimeSalePrice } from './time-sale-price.outbox.js';

/**
 * The demo time-sale. Its units are set aside from the variant's stock up front, so regular orders can
 * never sell what the sale has promised; runs after `seedStock`. Its Redis state is loaded by the
 * time-sale workers' first sweep (they rebuild every unsettled sale Redis does not hold), and the
 * catalog learns its price through the outbox.
 */
export async function seedTimeSale(em: EntityManager): Promise<void> {
  const demo = demoTimeSale();
  const variantId = demoId(demo.variant);
  const stock = await em.findOneOrFail(StockLevel, { variantId });
  const sale = em.create(TimeSale, {
    id: demoId(demo.key),
    variantId,
    storeId: stock.storeId,
    priceAmount: demo.price,
    currency: DEMO_CURRENCY,
    quantity: demo.quantity,
    perMemberLimit: demo.perMemberLimit,
    startsAt: demo.startsAt,
    endsAt: demo.endsAt,
  });
  stock.reserved += sale.quantity;
  stock.lowStockArmed = stock.available >= stock.lowStockThreshold;
  em.create(StockMovement, {
    variantId: sale.variantId,
    kind: StockMovementKind.RESERVATION,
    delta: sale.quantity,
    reason: `Set aside for time-sale ${sale.id}`,
    reservationKey: sale.id,
  });
  enqueueTimeSalePrice(em, null, sale.id);
}
