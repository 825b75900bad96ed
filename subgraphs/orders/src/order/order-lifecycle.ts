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
 * What goes back, as outbox topics delivered after the status change commits:
 * - a cancellation (before shipping) returns the payment, the stock, the points and the coupon;
 * - an approved refund (goods came back) returns the payment and the points; the coupon stays used and the
 *   stock is not put back automatically: the seller inspects the return and adjusts stock.
 */
export const EFFECTS: Partial<Record<TransitionName, string[]>> = {
  cancelByBuyer: ['payment.refund', 'stock.return', 'points.refund', 'coupon.release'],
  cancelBySeller: ['payment.refund', 'stock.return', 'points.refund', 'coupon.release'],
  approveRefund: ['payment.refund', 'points.refund'],
};
