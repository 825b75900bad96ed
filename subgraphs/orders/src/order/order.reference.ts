import type { OrdersContext } from '../context.js';

export function resolveOrderReference(reference: Record<string, unknown>, { loaders }: OrdersContext) {
  return loaders.orderById.load(String(reference.id));
}
