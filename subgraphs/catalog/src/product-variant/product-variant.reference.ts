import type { CatalogContext } from '../context.js';

export function resolveProductVariantReference(reference: Record<string, unknown>, { loaders }: CatalogContext) {
  return loaders.variantById.load(String(reference.id));
}
