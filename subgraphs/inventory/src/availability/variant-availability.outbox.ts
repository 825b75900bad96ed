import { enqueueOutbox, type Orm, type OutboxHandler, type ServiceClient } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { StockLevel } from '../stock/stock-level.entity.js';
import type { StockChangeSet } from '../stock/stock-change-set.js';

export const VARIANT_AVAILABILITY_TOPIC = 'variant-availability';

export interface VariantAvailabilityPayload {
  variantId: string;
  inStock: boolean;
}

/**
 * Records, in the stock change's own transaction, that the catalog must learn a variant went in or out
 * of stock: the change and the message commit together or not at all.
 */
export function enqueueVariantAvailability(tx: EntityManager, changes: StockChangeSet, payload: VariantAvailabilityPayload): void {
  enqueueOutbox(tx, VARIANT_AVAILABILITY_TOPIC, { ...payload });
  changes.outboxEnqueued = true;
}

const SET_VARIANT_AVAILABILITY = `mutation SetVariantAvailability($variantId: ID!, $inStock: Boolean!) {
  setVariantAvailability(variantId: $variantId, inStock: $inStock)
}`;

/**
 * Delivers availability messages to the catalog. It sends the variant's availability as it is at
 * delivery time rather than the message's snapshot: a failed message is retried after later ones, and
 * replaying an old "out of stock" after a newer "in stock" would leave the catalog wrong.
 */
export function variantAvailabilityHandler(options: { orm: Orm; callSubgraph: ServiceClient; catalogUrl: string }): OutboxHandler {
  return async (payload: VariantAvailabilityPayload) => {
    const level = await options.orm.em.fork().findOne(StockLevel, { variantId: payload.variantId });
    const inStock = level ? level.available > 0 : payload.inStock;
    await options.callSubgraph(options.catalogUrl, SET_VARIANT_AVAILABILITY, { variantId: payload.variantId, inStock });
  };
}
