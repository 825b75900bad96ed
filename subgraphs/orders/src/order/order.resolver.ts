import { Money, notFound, requireUuid } from '@commerce/kit';
import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { OrdersContext } from '../context.js';
import { OrderLine } from '../order-line/order-line.entity.js';
import { CouponTemplate, couponTemplateStub } from '../coupon-template/coupon-template.stub.js';
import { Member, memberStub } from '../member/member.stub.js';
import { requireOrderReader } from './order-access.js';
import { Order } from './order.entity.js';

@Resolver(() => Order)
export class OrderResolver {
  @Query(() => Order, { description: 'One order by its ID; for its buyer and admins.' })
  async order(
    @Arg('id', () => ID, { description: 'The order ID.' }) id: string,
    @Ctx() context: OrdersContext,
  ): Promise<Order> {
    const order = await context.loaders.orderById.load(requireUuid(id));
    if (!order) throw notFound('Order', id);
    return requireOrderReader(context, order);
  }

  @FieldResolver(() => Member, { description: 'Who placed the order.' })
  buyer(@Root() order: Order): Member {
    return memberStub(order.buyerId);
  }

  @FieldResolver(() => [OrderLine], { description: 'What was bought, in the order it was added.' })
  lines(@Root() order: Order, @Ctx() { loaders }: OrdersContext): Promise<OrderLine[]> {
    return loaders.linesByOrderId.load(order.id);
  }

  @FieldResolver(() => Money, { description: 'Sum of the line totals, before the discount and points.' })
  subtotal(@Root() order: Order): Money {
    return Money.of(order.subtotalAmount, order.currency);
  }

  @FieldResolver(() => Money, { description: 'Taken off by the coupon.' })
  discount(@Root() order: Order): Money {
    return Money.of(order.discountAmount, order.currency);
  }

  @FieldResolver(() => Money, { description: 'Paid with member points.' })
  pointsUsed(@Root() order: Order): Money {
    return Money.of(order.pointsUsedAmount, order.currency);
  }

  @FieldResolver(() => Money, { description: 'What the buyer paid: subtotal − discount − points used.' })
  total(@Root() order: Order): Money {
    return Money.of(order.totalAmount, order.currency);
  }

  @FieldResolver(() => CouponTemplate, { nullable: true, description: 'The coupon applied at checkout, if any.' })
  coupon(@Root() order: Order): CouponTemplate | null {
    return order.couponTemplateId ? couponTemplateStub(order.couponTemplateId) : null;
  }
}
