import { badUserInput, requireUuid } from '@commerce/kit';
import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { InventoryContext } from '../context.js';
import { LowStockAlert } from '../low-stock/low-stock-alert.entity.js';
import type { LowStockAlertEvent, StockLevelEvent } from '../stock/stock-events.publisher.js';
import { requireStoreManager } from '../store/store-access.js';
import { readStockLevel } from '../stock/stock-change.js';
import { timeSaleChannel } from '../time-sale/time-sale.keys.js';
import { TimeSaleStatus, timeSaleStatusAt } from '../time-sale/time-sale-status.js';
import { TimeSaleEvent } from '../time-sale/time-sale.types.js';
import { StockEvent } from './stock-event.type.js';

/** What the claim scripts publish on a sale's channel (see `publish_sale` in lua/common.lua). */
interface TimeSaleMessage {
  saleId: string;
  variantId: string;
  quantity: number;
  remaining: number;
  status: 'OPEN' | 'CANCELLED';
  startsAt: number;
  endsAt: number;
  at: number;
}

/** What the claim scripts publish on the variant's stock channel: the sale's remaining units, not the stock row. */
interface TimeSaleStockMessage {
  variantId: string;
  saleId: string;
  timeSaleRemaining: number;
  at: number;
}

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
      // Coded as the caller's mistake: a plain Error reached clients without a code (UPSTREAM_FAILED at the gateway).
      if (ids.length === 0 || ids.length > MAX_WATCHED_VARIANTS) {
        throw badUserInput(`Watch between 1 and ${MAX_WATCHED_VARIANTS} variants.`, 'variantIds');
      }
      return (context as InventoryContext).pubsub.subscribe(ids.map((id) => `inventory:stock:${id}`));
    },
  })
  async stockChanged(
    @Root() event: StockLevelEvent | TimeSaleStockMessage,
    @Arg('variantIds', () => [ID], { description: 'The variants to watch (at most 100).' }) _variantIds: string[],
    @Ctx() context: InventoryContext,
  ): Promise<StockEvent> {
    const variant = { id: event.variantId } as StockEvent['variant'];
    if ('onHand' in event) return { ...event, at: new Date(event.at), variant, timeSaleRemaining: null };
    // A claim or release moved units inside a time-sale: the row's counts (which hold the sale's units
    // as reserved) did not change, so they are read as they are and the sale's remaining count comes along.
    const level = await readStockLevel(context.em, event.variantId);
    return {
      variantId: event.variantId,
      onHand: level?.onHand ?? 0,
      reserved: level?.reserved ?? 0,
      available: level?.available ?? 0,
      at: new Date(event.at),
      variant,
      timeSaleRemaining: event.timeSaleRemaining,
    };
  }

  @Subscription(() => TimeSaleEvent, {
    description: "A time-sale's remaining units after each change: claims (once for claims decided together), releases, expiries, its cancellation.",
    subscribe: ({ args, context }) => {
      const saleId = requireUuid(args.saleId as string, 'saleId');
      return (context as InventoryContext).pubsub.subscribe([timeSaleChannel(saleId)]);
    },
  })
  timeSaleChanged(
    @Root() event: TimeSaleMessage,
    @Arg('saleId', () => ID, { description: 'The time-sale to watch.' }) _saleId: string,
  ): TimeSaleEvent {
    const at = new Date(event.at);
    return Object.assign(new TimeSaleEvent(), {
      id: event.saleId,
      quantity: event.quantity,
      remaining: event.remaining,
      status:
        event.status === 'CANCELLED'
          ? TimeSaleStatus.CANCELLED
          : timeSaleStatusAt({ startsAt: new Date(event.startsAt), endsAt: new Date(event.endsAt) }, at),
      at,
      variant: { id: event.variantId },
    });
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
