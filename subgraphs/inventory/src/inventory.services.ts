import { logTo, type OutboxRelay, type SubgraphRuntime } from '@commerce/kit';
import { type InventoryConfig, setting } from './config.js';
import { StockEventsPublisher } from './stock/stock-events.publisher.js';
import { TimeSaleClaimEngine } from './time-sale/time-sale-claim.service.js';
import { TimeSaleStreamConsumer } from './time-sale/time-sale.consumer.js';
import { TimeSaleMetrics } from './time-sale/time-sale.metrics.js';
import { TimeSaleStateKeeper } from './time-sale/time-sale.state.js';

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

/** The time-sale engine's long-lived parts. */
export interface TimeSaleServices {
  /** Redis: every claim decision (Lua). */
  engine: TimeSaleClaimEngine;
  /** Rebuilds a sale's lost Redis state from PostgreSQL. */
  keeper: TimeSaleStateKeeper;
  /** Claims by result and the stream consumer's backlog, on the app's /metrics. */
  metrics: TimeSaleMetrics;
}

/** Long-lived collaborators of the inventory subgraph, in every resolver's context as `services`. */
export interface InventoryServices {
  stockEvents: StockEventsPublisher;
  outbox: OutboxWaker;
  timeSales: TimeSaleServices;
}

export function createInventoryServices({ redis, orm, config, logger, metrics }: SubgraphRuntime<InventoryConfig>): InventoryServices {
  const engine = new TimeSaleClaimEngine(redis, {
    channelPrefix: config.REDIS_KEY_PREFIX,
    holdMs: setting(config, 'TIME_SALE_HOLD_SECONDS') * 1000,
    rateLimit: setting(config, 'TIME_SALE_CLAIM_RATE_LIMIT'),
    rateWindowMs: setting(config, 'TIME_SALE_CLAIM_RATE_WINDOW_MS'),
  });
  // The rebuild's own stream consumer writes out a surviving stream before the claims are read back. It applies
  // events through the services it is part of, so it is made once they exist.
  let rebuildConsumer: TimeSaleStreamConsumer | undefined;
  const keeper = new TimeSaleStateKeeper(orm, engine, (saleId, keepGoing) => rebuildConsumer!.drainAll(saleId, keepGoing), logTo(logger, 'warn'));
  const services: InventoryServices = {
    stockEvents: new StockEventsPublisher(redis, config.REDIS_KEY_PREFIX, logTo(logger)),
    outbox: new OutboxWaker(),
    timeSales: { engine, keeper, metrics: new TimeSaleMetrics(metrics.registry, redis) },
  };
  rebuildConsumer = new TimeSaleStreamConsumer({ engine, em: () => orm.em.fork(), services, pendingIdleMs: setting(config, 'TIME_SALE_PENDING_IDLE_MS') });
  return services;
}
