import { OrderStatus } from './order-status.js';

export type Actor = 'BUYER' | 'SELLER';

/**
 * Every allowed move, with who may make it. Anything else is an INVALID_TRANSITION result.
 * PENDING_PAYMENT → PAID / CANCELLED belong to the checkout saga alone.
 */
export const TRANSITIONS: Record<string, { from: OrderStatus[]; to: OrderStatus; actors: Actor[] }> = {
  prepare: { from: [OrderStatus.PAID], to: OrderStatus.PREPARING, actors: ['SELLER'] },
  ship: { from: [OrderStatus.PREPARING], to: OrderStatus.SHIPPED, actors: ['SELLER'] },
  deliver: { from: [OrderStatus.SHIPPED], to: OrderStatus.DELIVERED, actors: ['SELLER'] },
  // The buyer may cancel until the seller starts packing; the seller until it ships.
  cancelByBuyer: { from: [OrderStatus.PAID], to: OrderStatus.CANCELLED, actors: ['BUYER'] },
  cancelBySeller: { from: [OrderStatus.PAID, OrderStatus.PREPARING], to: OrderStatus.CANCELLED, actors: ['SELLER'] },
  requestRefund: { from: [OrderStatus.DELIVERED], to: OrderStatus.REFUND_REQUESTED, actors: ['BUYER'] },
  approveRefund: { from: [OrderStatus.REFUND_REQUESTED], to: OrderStatus.REFUNDED, actors: ['SELLER'] },
  rejectRefund: { from: [OrderStatus.REFUND_REQUESTED], to: OrderStatus.REFUND_REJECTED, actors: ['SELLER'] },
};
export type TransitionName = keyof typeof TRANSITIONS;

/**
 * What goes back, as outbox topics delivered after the status change commits. Cancelling or refunding a paid
 * order undoes the whole sale: the payment, the stock (`stock.return`: on_hand grows by the order's lines), the
 * points it used and its coupon (`coupon.restore`: USED → AVAILABLE, or EXPIRED past its expiry). Each
 * delivery is idempotent on the callee's side under a key derived from the order id, so a redelivery gives
 * nothing back twice. An approved refund returns the stock automatically too: the seller accepted the goods
 * back by approving; damaged units are then written off with an ordinary stock adjustment.
 */
export const EFFECTS: Partial<Record<TransitionName, string[]>> = {
  cancelByBuyer: ['payment.refund', 'stock.return', 'points.refund', 'coupon.restore'],
  cancelBySeller: ['payment.refund', 'stock.return', 'points.refund', 'coupon.restore'],
  approveRefund: ['payment.refund', 'stock.return', 'points.refund', 'coupon.restore'],
};
