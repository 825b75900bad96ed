import { childrenLoader, entityByIdLoader, type SubgraphContext } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Category } from './category/category.entity.js';
import type { CatalogServices } from './catalog.services.js';
import { memberRelationLoader } from './common/member-relation.loader.js';
import { activeSalePrices } from './pricing/sale-price.service.js';
import { ProductVariant } from './product-variant/product-variant.entity.js';
import { Product } from './product/product.entity.js';
import { ProductLike } from './product/product-like.entity.js';
import { storeProductsLoader } from './product/store-products.loader.js';
import { Store } from './store/store.entity.js';
import { StoreFollow } from './store/store-follow.entity.js';

export function createCatalogLoaders(em: EntityManager) {
  // One instant per request, so every sale price of one response agrees about which windows are open.
  const now = new Date();
  return {
    categoryById: entityByIdLoader(em, Category),
    storeById: entityByIdLoader(em, Store),
    productById: entityByIdLoader(em, Product),
    variantById: entityByIdLoader(em, ProductVariant),
    variantsOfProduct: childrenLoader(em, ProductVariant, 'product', { position: 'asc', id: 'asc' }),
    productsOfStore: storeProductsLoader(em),
    storeFollowedBy: memberRelationLoader(em, StoreFollow, 'store'),
    productLikedBy: memberRelationLoader(em, ProductLike, 'product'),
    activeSalePriceOfVariant: new DataLoader<string, number | null>(async (variantIds) => {
      const prices = await activeSalePrices(em, variantIds, now);
      return variantIds.map((id) => prices.get(id) ?? null);
    }),
  };
}

export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;
export type CatalogContext = SubgraphContext<CatalogLoaders, CatalogServices>;
