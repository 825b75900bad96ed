import { forbidden, hasRole, requireViewer, type Viewer } from '@commerce/kit';
import type { Order } from './order.entity.js';

/**
 * An order is its buyer's business: the buyer, admins and our own services may read it. Checked wherever an
 * order leaves the subgraph (the `order` query and `_entities`), so no federated path leaks it.
 */
export function requireOrderReader(context: { viewer: Viewer | null }, order: Order): Order {
  const viewer = requireViewer(context);
  if (viewer.memberId !== order.buyerId && !hasRole(viewer, 'ADMIN', 'SERVICE')) throw forbidden();
  return order;
}
