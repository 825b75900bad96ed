import { requireUuid } from '@commerce/kit';
import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { InventoryContext } from '../context.js';
import { LowStockAlert } from '../low-stock/low-stock-alert.entity.js';
import type { LowStockAlertEvent, StockLevelEvent } from '../stock/stock-events.publisher.js';
import { requireStoreManager } from '../store/store-access.js';
import { StockEvent } from './stock-event.type.js';

/** Most variants one `stockChanged` subscription may watch: each is a Redis channel. */
const MAX_WATCHED_VARIANTS = 100;

/**
 * Live stock over Redis pub/sub: every replica publishes after commit, every replica's subscribers hear it.
 * Channel names match `stockChannel` / `lowStockChannel` (the pub/sub adds the deployment prefix).
 */
@Resolver()
export class LiveStockResolver {
  @Subscription(() => StockEvent, {
    description: 'Every committed change of the available stock of the given variants.',
    subscribe: ({ args, context }) => {
      const ids = (args.variantIds as string[]).map((id) => requireUuid(id, 'variantIds'));
      if (ids.length === 0 || ids.length > MAX_WATCHED_VARIANTS) {
        throw new Error(`Watch between 1 and ${MAX_WATCHED_VARIANTS} variants.`);
      }
      return (context as InventoryContext).pubsub.subscribe(ids.map((id) => `inventory:stock:${id}`));
    },
  })
  stockChanged(
    @Root() event: StockLevelEvent,
    @Arg('variantIds', () => [ID], { description: 'The variants to watch (at most 100).' }) _variantIds: string[],
  ): StockEvent {
    return { ...event, at: new Date(event.at), variant: { id: event.variantId } as StockEvent['variant'] };
  }

  @Subscription(() => LowStockAlert, {
    description: "Low-stock alerts of a store as they fire; for the store's owner and admins only.",
    subscribe: async ({ args, context }) => {
      const inventory = context as InventoryContext;
      const storeId = requireUuid(args.storeId as string, 'storeId');
      await requireStoreManager(inventory, storeId);
      return inventory.pubsub.subscribe([`inventory:low-stock:${storeId}`]);
    },
  })
  lowStockAlert(
    @Root() event: LowStockAlertEvent,
    @Arg('storeId', () => ID, { description: 'The store whose alerts to receive.' }) _storeId: string,
  ): LowStockAlert {
    return Object.assign(new LowStockAlert(), {
      id: event.id,
      storeId: event.storeId,
      variantId: event.variantId,
      available: event.available,
      threshold: event.threshold,
      createdAt: new Date(event.at),
      readAt: null,
    });
  }
}
