import { isUuid } from '@commerce/kit';
import type { ProductVariant } from './product-variant.type.js';

/**
 * Needs no query: the variant itself lives in the catalog, and `stock` is loaded per field through a
 * DataLoader. A malformed id resolves to null instead of failing the whole `_entities` batch in SQL.
 */
export function resolveProductVariantReference(reference: Record<string, unknown>): ProductVariant | null {
  const id = String(reference.id);
  return isUuid(id) ? { id: id.toLowerCase() } : null;
}
