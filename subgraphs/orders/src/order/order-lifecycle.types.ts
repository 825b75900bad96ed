import { ErrorResult } from '@commerce/kit';
import { createUnionType, Field, ObjectType } from 'type-graphql';
import { OrderStatus } from './order-status.js';
import { Order } from './order.entity.js';

@ObjectType({ implements: ErrorResult, description: 'Code INVALID_TRANSITION: the order cannot move from its status to the one asked for.' })
export class InvalidOrderTransition extends ErrorResult {
  @Field(() => OrderStatus, { description: 'Where the order stands.' })
  from!: OrderStatus;

  @Field(() => OrderStatus, { description: 'Where it was asked to go.' })
  to!: OrderStatus;
}

@ObjectType({ implements: ErrorResult, description: 'Code REFUND_WINDOW_CLOSED: refunds can be asked for only within the window after delivery.' })
export class RefundWindowClosed extends ErrorResult {}

export const OrderChangeResult = createUnionType({
  name: 'OrderChangeResult',
  description: 'The order after the change, or why it could not change.',
  types: () => [Order, InvalidOrderTransition, RefundWindowClosed] as const,
  resolveType: (value) => ('code' in value ? ((value as ErrorResult).code === 'REFUND_WINDOW_CLOSED' ? RefundWindowClosed : InvalidOrderTransition) : Order),
});
