import type { CatalogContext } from '../context.js';

export function resolveProductReference(reference: Record<string, unknown>, { loaders }: CatalogContext) {
  return loaders.productById.load(String(reference.id));
}
