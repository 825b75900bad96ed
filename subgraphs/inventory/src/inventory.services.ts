import type { OutboxRelay, SubgraphRuntime } from '@commerce/kit';
import type { InventoryConfig } from './config.js';
import { StockEventsPublisher } from './stock/stock-events.publisher.js';

/** Lets request code wake the outbox relay, which only exists once the `start` hook has run. */
export class OutboxWaker {
  private relay: OutboxRelay | null = null;

  attach(relay: OutboxRelay | null): void {
    this.relay = relay;
  }

  wake(): void {
    this.relay?.wake();
  }
}

/** Long-lived collaborators of the inventory subgraph, in every resolver's context as `services`. */
export interface InventoryServices {
  stockEvents: StockEventsPublisher;
  outbox: OutboxWaker;
}

export function createInventoryServices({ redis, config }: SubgraphRuntime<InventoryConfig>): InventoryServices {
  return {
    stockEvents: new StockEventsPublisher(redis, config.REDIS_KEY_PREFIX),
    outbox: new OutboxWaker(),
  };
}
