import { childrenLoader, entityByIdLoader, type SubgraphContext } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrderLine } from './order-line/order-line.entity.js';
import { Order } from './order/order.entity.js';
import type { OrdersServices } from './services.js';

export function createOrdersLoaders(em: EntityManager) {
  return {
    orderById: entityByIdLoader(em, Order),
    linesByOrderId: childrenLoader(em, OrderLine, 'orderId', { id: 'asc' }),
  };
}

export type OrdersLoaders = ReturnType<typeof createOrdersLoaders>;
export type OrdersContext = SubgraphContext<OrdersLoaders, OrdersServices>;
