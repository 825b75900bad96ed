import { isUuid } from '@commerce/kit';
import type { InventoryContext } from '../context.js';

/** A malformed id resolves to null instead of failing the whole `_entities` batch in SQL. */
export function resolveTimeSaleReference(reference: Record<string, unknown>, { loaders }: InventoryContext) {
  const id = String(reference.id);
  return isUuid(id) ? loaders.timeSaleById.load(id.toLowerCase()) : null;
}
