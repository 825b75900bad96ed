import type { EntityManager } from '@mikro-orm/postgresql';
import type { InventoryServices } from '../inventory.services.js';
import { StockChangeSet } from './stock-change-set.js';

export interface StockTransactionDeps {
  em: EntityManager;
  services: InventoryServices;
}

/**
 * Runs `work` in one transaction and, only once it has committed, publishes the live events it collected
 * and wakes the outbox relay. A rolled-back transaction therefore publishes nothing.
 */
export async function inStockTransaction<T>(
  { em, services }: StockTransactionDeps,
  work: (tx: EntityManager, changes: StockChangeSet) => Promise<T>,
): Promise<T> {
  const changes = new StockChangeSet();
  const result = await em.transactional((tx) => work(tx, changes));
  await services.stockEvents.publish(changes);
  if (changes.outboxEnqueued) services.outbox.wake();
  return result;
}
