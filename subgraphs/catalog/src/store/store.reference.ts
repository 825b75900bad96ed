import type { CatalogContext } from '../context.js';

export function resolveStoreReference(reference: Record<string, unknown>, { loaders }: CatalogContext) {
  return loaders.storeById.load(String(reference.id));
}
