import type { Redis } from 'ioredis';
import type { StockChangeSet } from './stock-change-set.js';

/**
 * Redis pub/sub channels of live stock events. ioredis' keyPrefix does not apply to channels, so the
 * deployment's prefix is added here: deployments (and test files) sharing a Redis stay apart.
 */
export const stockChannel = (keyPrefix: string, variantId: string) => `${keyPrefix}inventory:stock:${variantId}`;
export const lowStockChannel = (keyPrefix: string, storeId: string) => `${keyPrefix}inventory:low-stock:${storeId}`;

/** Message on `stockChannel`: a variant's stock right after a committed change. */
export interface StockLevelEvent {
  variantId: string;
  onHand: number;
  reserved: number;
  available: number;
  /** ISO time of the change; later changes of one variant carry later times, so stale events can be dropped. */
  at: string;
}

/** Message on `lowStockChannel`: an alert that was just stored. */
export interface LowStockAlertEvent {
  id: string;
  storeId: string;
  variantId: string;
  available: number;
  threshold: number;
  at: string;
}

/** The one place inventory publishes live events; called only after the transaction that made them committed. */
export class StockEventsPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly log: (message: string) => void = console.error,
  ) {}

  async publish(changes: StockChangeSet): Promise<void> {
    if (changes.stock.size === 0 && changes.alerts.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const snapshot of changes.stock.values()) {
      const event: StockLevelEvent = { ...snapshot, at: snapshot.at.toISOString() };
      pipeline.publish(stockChannel(this.keyPrefix, snapshot.variantId), JSON.stringify(event));
    }
    for (const alert of changes.alerts) {
      const event: LowStockAlertEvent = { ...alert, at: alert.at.toISOString() };
      pipeline.publish(lowStockChannel(this.keyPrefix, alert.storeId), JSON.stringify(event));
    }
    try {
      // The change is committed already: a Redis outage costs live updates, never the change itself.
      await pipeline.exec();
    } catch (error) {
      this.log(`stock events not published: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
