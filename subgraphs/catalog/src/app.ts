import { createSubgraphApp, logTo, OutboxMessage, type SubgraphConfig, type SubgraphDefinition, startOutboxRelay } from '@commerce/kit';
import { createCatalogServices, type CatalogServices } from './catalog.services.js';
import { seedCatalog } from './catalog.seed.js';
import { Category } from './category/category.entity.js';
import { CategoryResolver } from './category/category.resolver.js';
import { CheckoutVariantResolver } from './checkout/checkout-variant.resolver.js';
import { CATALOG_DEFAULTS, type CatalogConfig, type CatalogSettings } from './config.js';
import { type CatalogLoaders, createCatalogLoaders } from './context.js';
import { migrations } from './migrations/index.js';
import { catalogOutboxHandlers } from './outbox/catalog-outbox.js';
import { SalePriceResolver } from './pricing/sale-price.resolver.js';
import { VariantSalePrice } from './pricing/variant-sale-price.entity.js';
import { ProductVariant } from './product-variant/product-variant.entity.js';
import { resolveProductVariantReference } from './product-variant/product-variant.reference.js';
import { ProductVariantResolver } from './product-variant/product-variant.resolver.js';
import { VariantAvailabilityResolver } from './product-variant/variant-availability.resolver.js';
import { Product } from './product/product.entity.js';
import { ProductLike } from './product/product-like.entity.js';
import { resolveProductReference } from './product/product.reference.js';
import { ProductResolver } from './product/product.resolver.js';
import { Store } from './store/store.entity.js';
import { StoreFollow } from './store/store-follow.entity.js';
import { resolveStoreReference } from './store/store.reference.js';
import { StoreResolver } from './store/store.resolver.js';

export const catalogSubgraph: SubgraphDefinition<CatalogLoaders, CatalogServices, CatalogConfig> = {
  name: 'catalog',
  dbSchema: 'catalog',
  entities: [Category, Store, StoreFollow, Product, ProductLike, ProductVariant, VariantSalePrice, OutboxMessage],
  migrations,
  resolvers: [CategoryResolver, StoreResolver, ProductResolver, ProductVariantResolver, VariantAvailabilityResolver, SalePriceResolver, CheckoutVariantResolver],
  referenceResolvers: {
    Store: resolveStoreReference,
    Product: resolveProductReference,
    ProductVariant: resolveProductVariantReference,
  },
  createLoaders: createCatalogLoaders,
  createServices: createCatalogServices,
  // Delivers the outbox's topics (catalog-outbox.ts) to members and inventory; stopped on close.
  async start({ orm, services, config, logger }) {
    const relay = startOutboxRelay({
      orm,
      log: logTo(logger),
      handlers: catalogOutboxHandlers(services.callSubgraph, config),
      ...(config.OUTBOX_POLL_MS !== undefined ? { pollIntervalMs: config.OUTBOX_POLL_MS } : {}),
      ...(config.OUTBOX_RETRY_BASE_MS !== undefined ? { baseDelayMs: config.OUTBOX_RETRY_BASE_MS } : {}),
    });
    const detach = services.outbox.attach(() => relay.wake());
    return async () => {
      detach();
      await relay.stop();
    };
  },
  seedDemo: seedCatalog,
};

/** Boots the catalog; settings of its own (MEMBERS_URL, INVENTORY_URL…) fall back to their defaults. */
export function createApp(config: SubgraphConfig & Partial<CatalogSettings>) {
  return createSubgraphApp(catalogSubgraph, { ...CATALOG_DEFAULTS, ...config });
}
