import { enqueueOutbox, type ErrorResult, forbidden, hasRole, notFound, requireUuid, requireViewer, type Viewer } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Upstream } from '../upstream/upstream.js';
import { type Actor, EFFECTS, TRANSITIONS, type TransitionName } from './order-lifecycle.js';
import { InvalidOrderTransition, RefundWindowClosed } from './order-lifecycle.types.js';
import { Order } from './order.entity.js';

export interface LifecycleDeps {
  em: EntityManager;
  viewer: Viewer | null;
  upstream: Upstream;
  refundWindowDays: number;
  /** Wakes the outbox relay after a change that queued effects. */
  wake: () => void;
}

/** Whether the viewer owns the order's store, asked of the catalog at call time (or is an admin). */
export async function requireStoreOwner(deps: { viewer: Viewer | null; upstream: Upstream }, storeId: string | null): Promise<Viewer> {
  const viewer = requireViewer(deps);
  if (hasRole(viewer, 'ADMIN')) return viewer;
  if (!storeId || !viewer.memberId || (await deps.upstream.storeOwner(storeId)) !== viewer.memberId) throw forbidden('Only the store’s owner may do this.');
  return viewer;
}

async function authorize(deps: LifecycleDeps, order: Order, actors: Actor[]) {
  const viewer = requireViewer(deps);
  if (actors.includes('BUYER') && viewer.memberId === order.buyerId) return;
  if (actors.includes('SELLER')) {
    await requireStoreOwner(deps, order.storeId);
    return;
  }
  if (!hasRole(viewer, 'ADMIN')) throw forbidden();
}

/**
 * Moves an order along the lifecycle. The status update is guarded by the status read (compare-and-set),
 * so two concurrent moves cannot both win; the effects are queued in the outbox in the same transaction.
 */
export async function transition(
  deps: LifecycleDeps,
  orderId: string,
  name: TransitionName,
  fields: Partial<Order> = {},
): Promise<Order | ErrorResult> {
  const rule = TRANSITIONS[name]!;
  const em = deps.em.fork();
  const order = await em.findOne(Order, requireUuid(orderId, 'orderId'));
  if (!order) throw notFound('Order', orderId);
  await authorize(deps, order, rule.actors);
  const invalid = () =>
    Object.assign(new InvalidOrderTransition(), {
      code: 'INVALID_TRANSITION',
      message: `An order that is ${order.status} cannot become ${rule.to}.`,
      from: order.status,
      to: rule.to,
    });
  if (!rule.from.includes(order.status)) return invalid();
  if (name === 'requestRefund') {
    const deliveredAt = order.deliveredAt?.getTime() ?? 0;
    if (Date.now() - deliveredAt > deps.refundWindowDays * 24 * 3600_000) {
      return Object.assign(new RefundWindowClosed(), { code: 'REFUND_WINDOW_CLOSED', message: `Refunds are possible for ${deps.refundWindowDays} days after delivery.` });
    }
  }
  const now = new Date();
  const stamps: Partial<Order> = {
    ...(rule.to === 'CANCELLED' ? { cancelledAt: now } : {}),
    ...(rule.to === 'DELIVERED' ? { deliveredAt: now } : {}),
    ...(rule.to === 'REFUND_REQUESTED' ? { refundRequestedAt: now } : {}),
    ...(rule.to === 'REFUNDED' ? { refundedAt: now } : {}),
  };
  const moved = await em.transactional(async (tx) => {
    const updated = await tx.nativeUpdate(Order, { id: order.id, status: order.status }, { status: rule.to, ...stamps, ...fields, updatedAt: now });
    if (updated === 0) return false;
    for (const topic of EFFECTS[name] ?? []) enqueueOutbox(tx, topic, { orderId: order.id });
    await tx.flush();
    return true;
  });
  if (!moved) {
    const current = await em.fork().findOneOrFail(Order, order.id);
    order.status = current.status;
    return invalid();
  }
  if (EFFECTS[name]) deps.wake();
  return em.fork().findOneOrFail(Order, order.id);
}
