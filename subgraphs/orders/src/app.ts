import { createSubgraphApp, type SubgraphConfig, type SubgraphDefinition } from '@commerce/kit';
import { createOrdersLoaders, type OrdersLoaders } from './context.js';
import { migrations } from './migrations/index.js';
import { OrderLine } from './order-line/order-line.entity.js';
import { OrderLineResolver } from './order-line/order-line.resolver.js';
import { Order } from './order/order.entity.js';
import { resolveOrderReference } from './order/order.reference.js';
import { OrderResolver } from './order/order.resolver.js';
import { seedOrders } from './order/order.seed.js';

export const ordersSubgraph: SubgraphDefinition<OrdersLoaders> = {
  name: 'orders',
  dbSchema: 'orders',
  entities: [Order, OrderLine],
  migrations,
  resolvers: [OrderResolver, OrderLineResolver],
  referenceResolvers: { Order: resolveOrderReference },
  createLoaders: createOrdersLoaders,
  seedDemo: seedOrders,
};

export function createApp(config: SubgraphConfig) {
  return createSubgraphApp(ordersSubgraph, config);
}
