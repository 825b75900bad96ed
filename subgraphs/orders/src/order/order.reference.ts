import type { OrdersContext } from '../context.js';
import { requireOrderReader } from './order-access.js';

export async function resolveOrderReference(reference: Record<string, unknown>, context: OrdersContext) {
  const order = await context.loaders.orderById.load(String(reference.id));
  return order ? requireOrderReader(context, order) : null;
}
