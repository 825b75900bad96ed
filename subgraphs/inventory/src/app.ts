import { createSubgraphApp, type SubgraphConfig, type SubgraphDefinition } from '@commerce/kit';
import { createInventoryLoaders, type InventoryLoaders } from './context.js';
import { seedInventory } from './demo.seed.js';
import { migrations } from './migrations/index.js';
import { resolveProductVariantReference } from './product-variant/product-variant.reference.js';
import { ProductVariantResolver } from './product-variant/product-variant.resolver.js';
import { StockLevel } from './stock/stock-level.entity.js';
import { StockMovement } from './stock/stock-movement.entity.js';
import { TimeSale } from './time-sale/time-sale.entity.js';
import { resolveTimeSaleReference } from './time-sale/time-sale.reference.js';
import { TimeSaleResolver } from './time-sale/time-sale.resolver.js';

export const inventorySubgraph: SubgraphDefinition<InventoryLoaders> = {
  name: 'inventory',
  dbSchema: 'inventory',
  entities: [StockLevel, StockMovement, TimeSale],
  migrations,
  resolvers: [ProductVariantResolver, TimeSaleResolver],
  referenceResolvers: {
    ProductVariant: resolveProductVariantReference,
    TimeSale: resolveTimeSaleReference,
  },
  createLoaders: createInventoryLoaders,
  seedDemo: seedInventory,
};

export function createApp(config: SubgraphConfig) {
  return createSubgraphApp(inventorySubgraph, config);
}
