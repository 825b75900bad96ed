import { notFound, requireUuid } from '@commerce/kit';
import type { CatalogContext } from '../context.js';
import type { ProductVariant } from './product-variant.entity.js';

export async function getProductVariant({ loaders }: CatalogContext, id: string): Promise<ProductVariant> {
  const variant = await loaders.variantById.load(requireUuid(id));
  if (!variant) throw notFound('ProductVariant', id);
  return variant;
}
