import { type Connection, type ErrorResult, readPageArgs, requireMember, requireUuid, requireViewer, toConnection } from '@commerce/kit';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { OrdersContext } from '../context.js';
import { OrderConnection } from './order.connection.js';
import { OrderStatus } from './order-status.js';
import { transition, requireStoreOwner } from './order-lifecycle.service.js';
import type { TransitionName } from './order-lifecycle.js';
import { OrderChangeResult } from './order-lifecycle.types.js';
import { Order } from './order.entity.js';

@ArgsType()
class OrderPageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 100 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to continue after.' })
  after?: string | null;
}

const orderIdArg = () => Arg('orderId', () => ID, { description: 'The order.' });

function lifecycle(context: OrdersContext) {
  return {
    em: context.em,
    viewer: context.viewer,
    upstream: context.services.upstream,
    refundWindowDays: context.services.config.REFUND_WINDOW_DAYS,
    wake: () => context.services.wakeOutbox(),
  };
}

async function page(context: OrdersContext, where: Record<string, unknown>, args: OrderPageArgs): Promise<Connection<Order>> {
  const { limit, afterKey } = readPageArgs(args);
  // Failed checkouts (cancelled before any payment) are not orders the member placed: left out of lists.
  const filter = { ...where, $or: [{ paidAt: { $ne: null } }, { status: OrderStatus.PENDING_PAYMENT }], ...(afterKey ? { id: { $lt: afterKey } } : {}) };
  const rows = await context.em.find(Order, filter, { orderBy: { id: 'desc' }, limit: limit + 1 });
  rows.forEach((order) => context.loaders.orderById.prime(order.id, order));
  return toConnection(rows, limit, (order) => order.id, !!afterKey);
}

@Resolver()
export class OrderLifecycleResolver {
  @Authorized()
  @Query(() => OrderConnection, { description: "The calling member's orders, newest first." })
  orders(@Args() args: OrderPageArgs, @Ctx() context: OrdersContext): Promise<Connection<Order>> {
    return page(context, { buyerId: requireMember(context).memberId }, args);
  }

  @Authorized()
  @Query(() => OrderConnection, { description: "A store's orders, newest first; for the store's owner and admins." })
  async storeOrders(
    @Arg('storeId', () => ID, { description: 'The store.' }) storeId: string,
    @Arg('status', () => OrderStatus, { nullable: true, description: 'Only orders in this status.' }) status: OrderStatus | null,
    @Args() args: OrderPageArgs,
    @Ctx() context: OrdersContext,
  ): Promise<Connection<Order>> {
    const id = requireUuid(storeId, 'storeId');
    await requireStoreOwner({ viewer: context.viewer, upstream: context.services.upstream }, id);
    return page(context, { storeId: id, ...(status ? { status } : {}) }, args);
  }

  @Authorized()
  @Mutation(() => OrderChangeResult, { description: 'Cancels an order: the buyer while it is PAID, the seller until it ships. Payment, stock, points and coupon go back.' })
  async cancelOrder(@orderIdArg() orderId: string, @Ctx() context: OrdersContext): Promise<Order | ErrorResult> {
    const viewer = requireViewer(context);
    const order = await context.em.findOne(Order, requireUuid(orderId, 'orderId'));
    const name: TransitionName = order && order.buyerId === viewer.memberId ? 'cancelByBuyer' : 'cancelBySeller';
    return transition(lifecycle(context), orderId, name, { cancelReason: name === 'cancelByBuyer' ? 'BUYER' : 'SELLER' });
  }

  @Authorized()
  @Mutation(() => OrderChangeResult, { description: 'The buyer asks for a refund of a delivered order, within the refund window.' })
  requestRefund(
    @orderIdArg() orderId: string,
    @Arg('reason', { description: 'Why, for the seller.' }) reason: string,
    @Ctx() context: OrdersContext,
  ): Promise<Order | ErrorResult> {
    return transition(lifecycle(context), orderId, 'requestRefund', { refundReason: reason.slice(0, 1000) });
  }

  @Authorized()
  @Mutation(() => OrderChangeResult, { description: 'The seller approves a refund: payment, stock, points and coupon go back.' })
  approveRefund(@orderIdArg() orderId: string, @Ctx() context: OrdersContext): Promise<Order | ErrorResult> {
    return transition(lifecycle(context), orderId, 'approveRefund');
  }

  @Authorized()
  @Mutation(() => OrderChangeResult, { description: 'The seller turns a refund request down, with a reason for the buyer.' })
  rejectRefund(
    @orderIdArg() orderId: string,
    @Arg('reason', { description: 'Why, for the buyer.' }) reason: string,
    @Ctx() context: OrdersContext,
  ): Promise<Order | ErrorResult> {
    return transition(lifecycle(context), orderId, 'rejectRefund', { refundRejectionReason: reason.slice(0, 1000) });
  }

  @Authorized()
  @Mutation(() => OrderChangeResult, { description: 'The seller starts packing a paid order.' })
  markOrderPreparing(@orderIdArg() orderId: string, @Ctx() context: OrdersContext): Promise<Order | ErrorResult> {
    return transition(lifecycle(context), orderId, 'prepare');
  }

  @Authorized()
  @Mutation(() => OrderChangeResult, { description: 'The seller handed the order to the carrier.' })
  markOrderShipped(@orderIdArg() orderId: string, @Ctx() context: OrdersContext): Promise<Order | ErrorResult> {
    return transition(lifecycle(context), orderId, 'ship');
  }

  @Authorized()
  @Mutation(() => OrderChangeResult, { description: 'The seller records that the buyer received the order.' })
  markOrderDelivered(@orderIdArg() orderId: string, @Ctx() context: OrdersContext): Promise<Order | ErrorResult> {
    return transition(lifecycle(context), orderId, 'deliver');
  }
}
