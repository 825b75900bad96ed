import { createSubgraphApp, OutboxMessage, type SubgraphConfig, type SubgraphDefinition } from '@commerce/kit';
import { INVENTORY_DEFAULTS, type InventoryConfig, type InventorySettings } from './config.js';
import { createInventoryLoaders, type InventoryLoaders } from './context.js';
import { seedInventory } from './demo.seed.js';
import { createInventoryServices, type InventoryServices } from './inventory.services.js';
import { startInventoryWorkers } from './inventory.workers.js';
import { LowStockAlert } from './low-stock/low-stock-alert.entity.js';
import { LiveStockResolver } from './live/live.resolver.js';
import { LowStockAlertResolver } from './low-stock/low-stock-alert.resolver.js';
import { migrations } from './migrations/index.js';
import { resolveProductVariantReference } from './product-variant/product-variant.reference.js';
import { ProductVariantResolver } from './product-variant/product-variant.resolver.js';
import { StockReservationLine } from './reservation/stock-reservation-line.entity.js';
import { StockReservation } from './reservation/stock-reservation.entity.js';
import { StockReservationResolver } from './reservation/stock-reservation.resolver.js';
import { StockReturn } from './reservation/stock-return.entity.js';
import { StockReturnResolver } from './reservation/stock-return.resolver.js';
import { StockLevel } from './stock/stock-level.entity.js';
import { StockLevelResolver } from './stock/stock-level.resolver.js';
import { StockMovement } from './stock/stock-movement.entity.js';
import { StoreOwner } from './store/store-owner.entity.js';
import { StoreRegistrationResolver } from './store/store-registration.resolver.js';
import { TimeSale } from './time-sale/time-sale.entity.js';
import { resolveTimeSaleReference } from './time-sale/time-sale.reference.js';
import { TimeSaleClaimRecord } from './time-sale/time-sale-claim.entity.js';
import { TimeSaleClaimResolver, TimeSaleResolver } from './time-sale/time-sale.resolver.js';

export const inventorySubgraph: SubgraphDefinition<InventoryLoaders, InventoryServices, InventoryConfig> = {
  name: 'inventory',
  dbSchema: 'inventory',
  entities: [StockLevel, StockMovement, TimeSale, StoreOwner, StockReservation, StockReservationLine, LowStockAlert, TimeSaleClaimRecord, StockReturn, OutboxMessage],
  migrations,
  resolvers: [
    ProductVariantResolver,
    StockLevelResolver,
    StockReservationResolver,
    StockReturnResolver,
    StoreRegistrationResolver,
    LowStockAlertResolver,
    LiveStockResolver,
    TimeSaleResolver,
    TimeSaleClaimResolver,
  ],
  referenceResolvers: {
    ProductVariant: resolveProductVariantReference,
    TimeSale: resolveTimeSaleReference,
  },
  createLoaders: createInventoryLoaders,
  createServices: createInventoryServices,
  start: startInventoryWorkers,
  seedDemo: seedInventory,
};

/** Boots the subgraph; settings inventory alone reads fall back to their defaults when absent. */
export function createApp(config: SubgraphConfig & Partial<InventorySettings>) {
  return createSubgraphApp(inventorySubgraph, { ...INVENTORY_DEFAULTS, ...config } as InventoryConfig);
}

/** The claim engine on its own, for the time-sale benchmark's like-for-like baseline against a row lock. */
export { TimeSaleClaimEngine } from './time-sale/time-sale-claim.service.js';
export { saleKeys } from './time-sale/time-sale.keys.js';
