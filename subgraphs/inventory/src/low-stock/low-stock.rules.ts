import type { EntityManager } from '@mikro-orm/postgresql';
import { table } from '../db-tables.js';
import type { StockChangeSet } from '../stock/stock-change-set.js';
import type { StockLevel } from '../stock/stock-level.entity.js';
import { LowStockAlert } from './low-stock-alert.entity.js';

/**
 * The edge trigger of low-stock alerts: an alert fires when available is below the threshold while the
 * variant is armed, which disarms it; it re-arms once available is back at the threshold or above. The
 * caller holds the variant's row lock (it has just updated the row), so among concurrent changes exactly
 * one sees itself cross, however many there are.
 */
export async function evaluateLowStock(tx: EntityManager, changes: StockChangeSet, level: StockLevel): Promise<void> {
  // Without a store nobody could read the alert; rows get a store when the catalog registers the variant.
  // A retired variant (deleted from the catalog) is no longer stocked, so its stock never alerts again.
  if (level.storeId === null || level.retiredAt !== null) return;
  const below = level.available < level.lowStockThreshold;
  if (below === !level.lowStockArmed) return;
  await tx.execute(`update ${table(tx, 'stock_level')} set "low_stock_armed" = ? where "variant_id" = ?`, [!below, level.variantId]);
  level.lowStockArmed = !below;
  if (!below) return;
  const alert = tx.create(LowStockAlert, {
    storeId: level.storeId,
    variantId: level.variantId,
    available: level.available,
    threshold: level.lowStockThreshold,
  });
  changes.alerts.push({
    id: alert.id,
    storeId: alert.storeId,
    variantId: alert.variantId,
    available: alert.available,
    threshold: alert.threshold,
    at: alert.createdAt,
  });
}
