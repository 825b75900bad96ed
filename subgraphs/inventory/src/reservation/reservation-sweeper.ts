import type { Orm } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { table } from '../db-tables.js';
import type { InventoryServices } from '../inventory.services.js';
import { SYSTEM_ACTOR } from '../stock/stock-actor.js';
import { inStockTransaction } from '../stock/stock-transaction.js';
import { StockReservationStatus } from './stock-reservation-status.js';
import { settleReservation } from './stock-reservation.service.js';

/**
 * Expires one due reservation, if any. `SKIP LOCKED` lets replicas sweep side by side without waiting
 * for or double-releasing each other's rows; a reservation that commit or release holds right now is
 * skipped and, once they are done, no longer HELD. One reservation per transaction keeps row locks
 * taken in variant order, as everywhere else, so the sweeper cannot deadlock with a multi-line order.
 */
export async function expireOneReservation(deps: { em: EntityManager; services: InventoryServices }): Promise<boolean> {
  return inStockTransaction(deps, async (tx, changes) => {
    const [due] = await tx.execute<{ key: string }[]>(
      `select "key" from ${table(tx, 'stock_reservation')}
        where "status" = 'HELD' and "expires_at" <= clock_timestamp()
        order by "expires_at" limit 1 for update skip locked`,
    );
    if (!due) return false;
    await settleReservation(tx, changes, due.key, StockReservationStatus.EXPIRED, SYSTEM_ACTOR);
    return true;
  });
}

/** Expires due reservations until none is left (or `max` were); returns how many. */
export async function expireDueReservations(deps: { orm: Orm; services: InventoryServices }, max = 500): Promise<number> {
  let expired = 0;
  while (expired < max && (await expireOneReservation({ em: deps.orm.em.fork(), services: deps.services }))) expired++;
  return expired;
}

export interface ReservationSweeper {
  stop(): Promise<void>;
}

/** Runs `expireDueReservations` every `intervalMs` until stopped; `stop` waits for a sweep in progress. */
export function startReservationSweeper(options: {
  orm: Orm;
  services: InventoryServices;
  intervalMs: number;
  log?: (message: string) => void;
}): ReservationSweeper {
  const log = options.log ?? console.error;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  const tick = () => {
    running = expireDueReservations(options)
      .catch((error) => log(`reservation sweeper: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, options.intervalMs);
      });
  };
  timer = setTimeout(tick, options.intervalMs);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
