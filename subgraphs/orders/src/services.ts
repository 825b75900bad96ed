import type { Orm, OutboxHandler, SubgraphRuntime } from '@commerce/kit';
import { CartService } from './cart/cart.service.js';
import { parseSagaFault } from './checkout/saga-state.js';
import { SagaRunner } from './checkout/saga-runner.js';
import type { OrdersConfig } from './config.js';
import { Order } from './order/order.entity.js';
import { SimulatedPaymentProvider } from './payment/simulated-payment.provider.js';
import type { PaymentProvider } from './payment/payment-provider.js';
import { Upstream } from './upstream/upstream.js';

/** What orders holds for its whole life, built once per process. */
export interface OrdersServices {
  config: OrdersConfig;
  orm: Orm;
  upstream: Upstream;
  carts: CartService;
  payments: PaymentProvider;
  saga: SagaRunner;
  /** Set by `start`: wakes the outbox relay after a change queued effects. */
  wakeOutbox: () => void;
}

export function createOrdersServices({ orm, redis, config }: SubgraphRuntime<OrdersConfig>): OrdersServices {
  const upstream = new Upstream(config);
  const carts = new CartService(redis, upstream, { ttlSeconds: config.CART_TTL_DAYS * 24 * 3600, maxLines: config.CART_MAX_LINES });
  const payments = new SimulatedPaymentProvider(redis, { latencyMs: config.PAYMENT_LATENCY_MS, declineRate: config.PAYMENT_DECLINE_RATE });
  const saga = new SagaRunner({
    orm,
    upstream,
    payments,
    leaseMs: config.SAGA_LEASE_MS,
    stockHoldSeconds: config.STOCK_HOLD_SECONDS,
    fault: parseSagaFault(config.SAGA_FAULT),
    onCompleted: (row) => carts.removeLines(row.plan.memberId, row.plan.cartLineIds),
    log: (message) => console.error(message),
  });
  return { config, orm, upstream, carts, payments, saga, wakeOutbox: () => {} };
}

/**
 * Effects of cancellations and refunds, delivered by the outbox relay after the status change commits.
 * Only topics with a handler are delivered; `stock.return` and `points.refund` stay queued (recorded debts)
 * until inventory and members offer operations for them (see the report of this change).
 */
export function ordersOutboxHandlers(services: OrdersServices): Record<string, OutboxHandler> {
  const orderOf = (payload: { orderId: string }) => services.orm.em.fork().findOneOrFail(Order, payload.orderId);
  return {
    'payment.refund': async (payload) => {
      const order = await orderOf(payload);
      if (order.paymentId && order.totalAmount > 0) await services.payments.refund(order.paymentId, order.totalAmount, `refund:${order.id}`);
    },
    'coupon.release': async (payload) => {
      const order = await orderOf(payload);
      if (order.issuedCouponId) await services.upstream.releaseCoupon(order.id);
    },
  };
}
