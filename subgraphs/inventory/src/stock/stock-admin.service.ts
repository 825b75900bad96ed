import { badUserInput, notFound, requireUuid, requireViewer, type Viewer } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { table } from '../db-tables.js';
import { evaluateLowStock } from '../low-stock/low-stock.rules.js';
import { requireStoreManager } from '../store/store-access.js';
import { actorOf } from './stock-actor.js';
import { applyStockChange, readStockLevel, refuseOnHandOverflow, STOCK_LEVEL_COLUMNS } from './stock-change.js';
import { StockLevel, type StockLevelRow } from './stock-level.entity.js';
import { StockMovementKind } from './stock-movement-kind.js';
import { inStockTransaction, type StockTransactionDeps } from './stock-transaction.js';
import { StockWouldGoNegative } from './stock-would-go-negative.result.js';

type StoreContext = StockTransactionDeps & { viewer: Viewer | null };

/** The variant's level, once the caller is known to manage its store; NOT_FOUND for a variant inventory never registered. */
async function requireManagedLevel(context: StoreContext, variantId: string): Promise<{ level: StockLevel; viewer: Viewer }> {
  requireViewer(context); // UNAUTHENTICATED before anything is looked up
  const id = requireUuid(variantId, 'variantId');
  const level = await readStockLevel(context.em, id);
  // A retired variant is one the catalog deleted: there is nothing left to stock.
  if (!level || level.retiredAt) throw notFound('StockLevel', id);
  const viewer = await requireStoreManager(context, level.storeId);
  return { level, viewer };
}

/**
 * Corrects a variant's on-hand count (counting, damage, a delivery booked by hand). Refused as a typed
 * result when it would leave available below zero: the check and the write are one guarded UPDATE.
 * One that would put more than MAX_ON_HAND on hand is bad input instead (BAD_USER_INPUT), and writes nothing.
 */
export async function adjustStock(
  context: StoreContext,
  input: { variantId: string; delta: number; reason: string },
): Promise<StockLevel | StockWouldGoNegative> {
  const reason = input.reason.trim();
  if (!reason) throw badUserInput('Give a reason for the adjustment.', 'reason');
  if (reason.length > 500) throw badUserInput('The reason may be at most 500 characters.', 'reason');
  if (input.delta === 0) throw badUserInput('delta must not be 0.', 'delta');
  const { level, viewer } = await requireManagedLevel(context, input.variantId);
  return inStockTransaction(context, async (tx, changes) => {
    const adjusted = await applyStockChange(tx, changes, {
      variantId: level.variantId,
      onHandDelta: input.delta,
      reservedDelta: 0,
      kind: StockMovementKind.ADJUSTMENT,
      reason,
      actor: actorOf(viewer),
    });
    if (adjusted) return adjusted;
    const current = await readStockLevel(tx, level.variantId);
    // The guard refuses past MAX_ON_HAND too: told apart on the numbers it saw (nothing written either way).
    if (current) refuseOnHandOverflow(current, input.delta, 'delta');
    return StockWouldGoNegative.of(level.variantId, input.delta, current?.available ?? 0);
  });
}

/** Sets the level below which the store is alerted; a threshold above current stock alerts at once (it is a crossing). */
export async function setLowStockThreshold(context: StoreContext, variantId: string, threshold: number): Promise<StockLevel> {
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > 1_000_000) {
    throw badUserInput('threshold must be between 0 and 1000000.', 'threshold');
  }
  const { level } = await requireManagedLevel(context, variantId);
  return inStockTransaction(context, async (tx, changes) => {
    const [row] = await tx.execute<StockLevelRow[]>(
      `update ${table(tx, 'stock_level')} set "low_stock_threshold" = ?, "updated_at" = clock_timestamp()
        where "variant_id" = ? returning ${STOCK_LEVEL_COLUMNS}`,
      [threshold, level.variantId],
    );
    const updated = StockLevel.fromRow(row!);
    await evaluateLowStock(tx, changes, updated);
    return updated;
  });
}
