import { createSubgraphApp, type SubgraphConfig, type SubgraphDefinition } from '@commerce/kit';
import { seedCatalog } from './catalog.seed.js';
import { Category } from './category/category.entity.js';
import { CategoryResolver } from './category/category.resolver.js';
import { type CatalogLoaders, createCatalogLoaders } from './context.js';
import { migrations } from './migrations/index.js';
import { ProductVariant } from './product-variant/product-variant.entity.js';
import { resolveProductVariantReference } from './product-variant/product-variant.reference.js';
import { ProductVariantResolver } from './product-variant/product-variant.resolver.js';
import { Product } from './product/product.entity.js';
import { resolveProductReference } from './product/product.reference.js';
import { ProductResolver } from './product/product.resolver.js';
import { Store } from './store/store.entity.js';
import { resolveStoreReference } from './store/store.reference.js';
import { StoreResolver } from './store/store.resolver.js';

export const catalogSubgraph: SubgraphDefinition<CatalogLoaders> = {
  name: 'catalog',
  dbSchema: 'catalog',
  entities: [Category, Store, Product, ProductVariant],
  migrations,
  resolvers: [CategoryResolver, StoreResolver, ProductResolver, ProductVariantResolver],
  referenceResolvers: {
    Store: resolveStoreReference,
    Product: resolveProductReference,
    ProductVariant: resolveProductVariantReference,
  },
  createLoaders: createCatalogLoaders,
  seedDemo: seedCatalog,
};

export function createApp(config: SubgraphConfig) {
  return createSubgraphApp(catalogSubgraph, config);
}
