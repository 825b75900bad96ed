import { createSubgraphApp, logTo, OutboxMessage, type SubgraphConfig, type SubgraphDefinition, startOutboxRelay } from '@commerce/kit';
import { CartResolver } from './cart/cart.resolver.js';
import { CheckoutResolver } from './checkout/checkout.resolver.js';
import { type OrdersConfig, type OrdersSettings, ordersConfig } from './config.js';
import { createOrdersLoaders, type OrdersLoaders } from './context.js';
import { migrations } from './migrations/index.js';
import { OrderLine } from './order-line/order-line.entity.js';
import { OrderLineResolver } from './order-line/order-line.resolver.js';
import { OrderLifecycleResolver } from './order/order-lifecycle.resolver.js';
import { Order } from './order/order.entity.js';
import { resolveOrderReference } from './order/order.reference.js';
import { OrderResolver } from './order/order.resolver.js';
import { seedOrders } from './order/order.seed.js';
import { salesReportRoute } from './report/sales-report.route.js';
import { createOrdersServices, ordersOutboxHandlers, type OrdersServices } from './services.js';
import { startSettlementScheduler } from './settlement/settlement.service.js';
import { SettlementResolver } from './settlement/settlement.resolver.js';

export const ordersSubgraph: SubgraphDefinition<OrdersLoaders, OrdersServices, OrdersConfig> = {
  name: 'orders',
  dbSchema: 'orders',
  entities: [Order, OrderLine, OutboxMessage],
  migrations,
  resolvers: [OrderResolver, OrderLineResolver, CartResolver, CheckoutResolver, OrderLifecycleResolver, SettlementResolver],
  referenceResolvers: { Order: resolveOrderReference },
  createLoaders: createOrdersLoaders,
  createServices: createOrdersServices,
  routes: (app, { services, logger }) => salesReportRoute(app, services, logger),
  // Saga recovery (at start, then periodically), the outbox relay for refunds, and the settlement scheduler.
  async start({ orm, services, config, logger }) {
    const log = logTo(logger);
    const relay = startOutboxRelay({
      orm,
      log,
      handlers: ordersOutboxHandlers(services),
      ...(config.OUTBOX_POLL_MS !== undefined ? { pollIntervalMs: config.OUTBOX_POLL_MS } : {}),
    });
    services.wakeOutbox = () => relay.wake();
    let stopped = false;
    let recovering: Promise<unknown> | null = null;
    // One pass at a time: a slow pass is not overlapped by the next tick.
    const recover = () =>
      (recovering ??= services.saga
        .recover()
        .catch((error) => log(`saga recovery: ${(error as Error).message}`))
        .finally(() => {
          recovering = null;
        }));
    await recover();
    const timer = setInterval(() => {
      if (!stopped) void recover();
    }, config.SAGA_RECOVERY_INTERVAL_MS);
    const stopSettlement = config.SETTLEMENT_ENABLED
      ? startSettlementScheduler(orm, { time: config.SETTLEMENT_TIME, utcOffsetMinutes: config.SETTLEMENT_UTC_OFFSET_MINUTES, feeBps: config.PLATFORM_FEE_BPS }, log)
      : async () => {};
    return async () => {
      stopped = true;
      clearInterval(timer);
      await recovering;
      await stopSettlement();
      await relay.stop();
    };
  },
  seedDemo: seedOrders,
};

/** Boots orders; settings of its own (subgraph URLs, cart, saga, settlement) fall back to their defaults. */
export function createApp(config: SubgraphConfig & Partial<OrdersSettings>) {
  return createSubgraphApp(ordersSubgraph, ordersConfig(config));
}
