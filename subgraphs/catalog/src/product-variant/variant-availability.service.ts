import { requireUuid } from '@commerce/kit';
import type { CatalogContext } from '../context.js';
import { ProductVariant } from './product-variant.entity.js';

/**
 * Inventory reports whether a variant can be bought. Idempotent; false when catalog does not know the
 * variant (it may have been deleted since), so inventory need not retry that.
 */
export async function setVariantAvailability({ em }: CatalogContext, variantId: string, inStock: boolean): Promise<boolean> {
  const updated = await em.nativeUpdate(ProductVariant, { id: requireUuid(variantId, 'variantId') }, { inStock });
  return updated > 0;
}
