import type { EntityManager } from '@mikro-orm/postgresql';
import { Category } from './category/category.entity.js';
import { seedCategories } from './category/category.seed.js';
import { ProductVariant } from './product-variant/product-variant.entity.js';
import { seedProductVariants } from './product-variant/product-variant.seed.js';
import { Product } from './product/product.entity.js';
import { seedProducts } from './product/product.seed.js';
import { Store } from './store/store.entity.js';
import { seedStores } from './store/store.seed.js';

/** Seeds the demo shop's categories, stores, products and variants, all in one flush, into an empty catalog. */
export async function seedCatalog(em: EntityManager): Promise<boolean> {
  const counts = await Promise.all([em.count(Category), em.count(Store), em.count(Product), em.count(ProductVariant)]);
  if (counts.some((count) => count > 0)) return false;
  seedCategories(em);
  seedStores(em);
  seedProducts(em);
  seedProductVariants(em);
  await em.flush();
  return true;
}
