import { logTo, type Orm, type OutboxHandler, type SubgraphRuntime } from '@commerce/kit';
import { CartService } from './cart/cart.service.js';
import { registerSagaMetrics } from './checkout/saga-metrics.js';
import { parseSagaFault } from './checkout/saga-state.js';
import { SagaRunner } from './checkout/saga-runner.js';
import type { OrdersConfig } from './config.js';
import { OrderLine } from './order-line/order-line.entity.js';
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

export function createOrdersServices({ orm, redis, config, logger, metrics }: SubgraphRuntime<OrdersConfig>): OrdersServices {
  const upstream = new Upstream(config);
  const carts = new CartService(redis, upstream, { ttlSeconds: config.CART_TTL_DAYS * 24 * 3600, maxLines: config.CART_MAX_LINES }, logTo(logger, 'warn'));
  const payments = new SimulatedPaymentProvider(redis, { latencyMs: config.PAYMENT_LATENCY_MS, declineRate: config.PAYMENT_DECLINE_RATE });
  const saga = new SagaRunner({
    orm,
    upstream,
    payments,
    leaseMs: config.SAGA_LEASE_MS,
    stockHoldSeconds: config.STOCK_HOLD_SECONDS,
    fault: parseSagaFault(config.SAGA_FAULT),
    onCompleted: (row) => carts.removeLines(row.plan.memberId, row.plan.cartLineIds),
    log: logTo(logger),
  });
  registerSagaMetrics(metrics.registry, orm);
  return { config, orm, upstream, carts, payments, saga, wakeOutbox: () => {} };
}

/**
 * Effects of cancellations and refunds, delivered by the outbox relay after the status change commits. The
 * relay may deliver a message again (a crash after the call, before its commit), so every call is keyed by
 * the order: inventory returns stock once per key, members refunds at most what the order's confirmed
 * reservation took, and coupons restores only a coupon still USED under the order.
 */
export function ordersOutboxHandlers(services: OrdersServices): Record<string, OutboxHandler> {
  const orderOf = (payload: { orderId: string }) => services.orm.em.fork().findOneOrFail(Order, payload.orderId);
  return {
    'payment.refund': async (payload) => {
      const order = await orderOf(payload);
      if (order.paymentId && order.totalAmount > 0) await services.payments.refund(order.paymentId, order.totalAmount, `refund:${order.id}`);
    },
    'stock.return': async (payload) => {
      const order = await orderOf(payload);
      const lines = await services.orm.em.fork().find(OrderLine, { orderId: order.id });
      // Inventory takes each variant once; an order may hold a variant on several lines (e.g. time-sale and regular).
      const units = new Map<string, number>();
      for (const line of lines) units.set(line.variantId, (units.get(line.variantId) ?? 0) + line.quantity);
      if (units.size === 0) return;
      await services.upstream.returnStock(
        `return:${order.id}`,
        [...units].map(([variantId, quantity]) => ({ variantId, quantity })),
        `Order ${order.number} ${order.status.toLowerCase()}`,
      );
    },
    'points.refund': async (payload) => {
      const order = await orderOf(payload);
      if (order.pointsUsedAmount > 0) await services.upstream.refundPoints(order.id, order.pointsUsedAmount, `refund:${order.id}`);
    },
    'coupon.restore': async (payload) => {
      const order = await orderOf(payload);
      if (order.issuedCouponId) await services.upstream.restoreCoupon(order.id);
    },
    // No longer queued (a paid order's coupon is USED, which `coupon.restore` handles); kept so messages queued
    // before that change are still delivered.
    'coupon.release': async (payload) => {
      const order = await orderOf(payload);
      if (order.issuedCouponId) await services.upstream.releaseCoupon(order.id);
    },
  };
}
