import { enqueueOutbox, type Orm, type OutboxHandler, type ServiceClient } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { StockChangeSet } from '../stock/stock-change-set.js';
import { TimeSale } from './time-sale.entity.js';

export const TIME_SALE_PRICE_TOPIC = 'time-sale-price';

/** Records, in the sale's own transaction, that the catalog must learn (or forget) the sale's price. */
export function enqueueTimeSalePrice(tx: EntityManager, changes: StockChangeSet | null, saleId: string): void {
  enqueueOutbox(tx, TIME_SALE_PRICE_TOPIC, { saleId });
  if (changes) changes.outboxEnqueued = true;
}

const SET_PRICE = `mutation SetVariantSalePrice($saleId: ID!, $variantId: ID!, $price: Int!, $startsAt: DateTimeISO!, $endsAt: DateTimeISO!) {
  setVariantSalePrice(saleId: $saleId, variantId: $variantId, price: $price, startsAt: $startsAt, endsAt: $endsAt)
}`;
const REMOVE_PRICE = `mutation RemoveVariantSalePrice($saleId: ID!) { removeVariantSalePrice(saleId: $saleId) }`;

/**
 * Tells the catalog the sale's price as the sale is at delivery time: a cancelled sale's price is
 * withdrawn, any other is (re)set. Both catalog operations are idempotent by sale id.
 */
export function timeSalePriceHandler(options: { orm: Orm; callSubgraph: ServiceClient; catalogUrl: string }): OutboxHandler {
  return async (payload: { saleId: string }) => {
    const sale = await options.orm.em.fork().findOne(TimeSale, payload.saleId);
    if (!sale || sale.cancelledAt) {
      await options.callSubgraph(options.catalogUrl, REMOVE_PRICE, { saleId: payload.saleId });
      return;
    }
    await options.callSubgraph(options.catalogUrl, SET_PRICE, {
      saleId: sale.id,
      variantId: sale.variantId,
      price: sale.priceAmount,
      startsAt: sale.startsAt.toISOString(),
      endsAt: sale.endsAt.toISOString(),
    });
  };
}
