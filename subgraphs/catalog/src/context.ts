import { childrenLoader, entityByIdLoader, type SubgraphContext } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Category } from './category/category.entity.js';
import { ProductVariant } from './product-variant/product-variant.entity.js';
import { Product } from './product/product.entity.js';
import { storeProductsLoader } from './product/store-products.loader.js';
import { Store } from './store/store.entity.js';

export function createCatalogLoaders(em: EntityManager) {
  return {
    categoryById: entityByIdLoader(em, Category),
    storeById: entityByIdLoader(em, Store),
    productById: entityByIdLoader(em, Product),
    variantById: entityByIdLoader(em, ProductVariant),
    variantsOfProduct: childrenLoader(em, ProductVariant, 'product', { position: 'asc', id: 'asc' }),
    productsOfStore: storeProductsLoader(em),
  };
}

export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;
export type CatalogContext = SubgraphContext<CatalogLoaders>;
