import { type ErrorResult, requireMember } from '@commerce/kit';
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { OrdersContext } from '../context.js';
import type { Order } from '../order/order.entity.js';
import { checkout } from './checkout.service.js';
import { CheckoutInput, CheckoutResult } from './checkout.types.js';

@Resolver()
export class CheckoutResolver {
  @Authorized()
  @Mutation(() => CheckoutResult, {
    description:
      'Places an order from cart lines or a time-sale claim: reserves stock, coupon and points, takes the payment, then confirms all; any failure gives everything back. Repeating the idempotencyKey returns the first outcome.',
  })
  checkout(@Arg('input', () => CheckoutInput, { description: 'What to buy and how to pay.' }) input: CheckoutInput, @Ctx() context: OrdersContext): Promise<Order | ErrorResult> {
    const { services } = context;
    return checkout(
      { em: context.em, upstream: services.upstream, carts: services.carts, saga: services.saga, leaseMs: services.config.SAGA_LEASE_MS },
      requireMember(context).memberId,
      input,
    );
  }
}
