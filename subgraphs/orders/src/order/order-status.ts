import { registerEnumType } from 'type-graphql';

export enum OrderStatus {
  PENDING_PAYMENT = 'PENDING_PAYMENT',
  PAID = 'PAID',
  PREPARING = 'PREPARING',
  SHIPPED = 'SHIPPED',
  DELIVERED = 'DELIVERED',
  CANCELLED = 'CANCELLED',
  REFUND_REQUESTED = 'REFUND_REQUESTED',
  REFUNDED = 'REFUNDED',
  REFUND_REJECTED = 'REFUND_REJECTED',
}

registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  description: 'Where an order stands, from checkout to delivery or refund.',
  valuesConfig: {
    PENDING_PAYMENT: { description: 'Placed; the payment has not been confirmed yet.' },
    PAID: { description: 'Paid; the seller has not started preparing it.' },
    PREPARING: { description: 'The seller is packing it.' },
    SHIPPED: { description: 'Handed to the carrier.' },
    DELIVERED: { description: 'Received by the buyer.' },
    CANCELLED: { description: 'Cancelled before it shipped.' },
    REFUND_REQUESTED: { description: 'The buyer asked for a refund; the seller has not decided yet.' },
    REFUNDED: { description: 'The refund was approved and paid back.' },
    REFUND_REJECTED: { description: 'The seller turned the refund request down.' },
  },
});
