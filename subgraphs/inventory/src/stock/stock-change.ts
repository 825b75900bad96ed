import { badUserInput } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { enqueueVariantAvailability } from '../availability/variant-availability.outbox.js';
import { table } from '../db-tables.js';
import { evaluateLowStock } from '../low-stock/low-stock.rules.js';
import type { StockActor } from './stock-actor.js';
import type { StockChangeSet } from './stock-change-set.js';
import { StockLevel, type StockLevelRow } from './stock-level.entity.js';
import { StockMovementKind } from './stock-movement-kind.js';
import { StockMovement } from './stock-movement.entity.js';

export const STOCK_LEVEL_COLUMNS = `"variant_id", "store_id", "on_hand", "reserved", "low_stock_threshold", "low_stock_armed", "updated_at", "retired_at"`;

export interface StockChange {
  variantId: string;
  onHandDelta: number;
  reservedDelta: number;
  kind: StockMovementKind;
  reason: string;
  actor: StockActor;
  reservationKey?: string | null;
}

/**
 * The most units a variant can hold on hand: `on_hand` is an integer (int4) column, and the GraphQL Int that
 * shows it is 32-bit too. `reserved` never exceeds `on_hand`, so it stays within as well.
 */
export const MAX_ON_HAND = 2_147_483_647;

/** BAD_USER_INPUT when adding `delta` units would put more than MAX_ON_HAND on hand; nothing is written. */
export function refuseOnHandOverflow(level: StockLevel, delta: number, field: string): void {
  if (level.onHand + delta > MAX_ON_HAND) {
    throw badUserInput(`Adding ${delta} units would put ${level.onHand + delta} on hand; at most ${MAX_ON_HAND} fit.`, field);
  }
}

/** RESERVATION and RELEASE move `reserved`; every other kind moves `on_hand` (see StockMovement). */
const ledgerDelta = (change: StockChange) =>
  change.kind === StockMovementKind.RESERVATION || change.kind === StockMovementKind.RELEASE ? change.reservedDelta : change.onHandDelta;

/**
 * Applies one change to a variant's counters with a single guarded UPDATE, inside the caller's
 * transaction. The guard (available and reserved stay >= 0) is checked by the same statement that
 * writes, on the row it locks, so concurrent changes can never oversell; null means it would have, or that
 * on_hand would pass MAX_ON_HAND (see `refuseOnHandOverflow`). The guard adds in bigint: in the columns' own
 * int4 a large delta would fail the statement with "integer out of range" instead of leaving the row alone.
 * The row stays locked until commit, which is what makes the follow-ups exact: the ledger line, the
 * catalog's in-stock flag when available crosses zero, and the edge-triggered low-stock alert.
 */
export async function applyStockChange(tx: EntityManager, changes: StockChangeSet, change: StockChange): Promise<StockLevel | null> {
  const { onHandDelta: dOnHand, reservedDelta: dReserved } = change;
  const [row] = await tx.execute<StockLevelRow[]>(
    `update ${table(tx, 'stock_level')}
        set "on_hand" = "on_hand" + ?, "reserved" = "reserved" + ?, "updated_at" = clock_timestamp()
      where "variant_id" = ? and ("on_hand"::bigint + ?) - ("reserved"::bigint + ?) >= 0 and "reserved"::bigint + ? >= 0
        and "on_hand"::bigint + ? <= ?
      returning ${STOCK_LEVEL_COLUMNS}`,
    [dOnHand, dReserved, change.variantId, dOnHand, dReserved, dReserved, dOnHand, MAX_ON_HAND],
  );
  if (!row) return null;
  const level = StockLevel.fromRow(row);
  tx.create(StockMovement, {
    variantId: change.variantId,
    kind: change.kind,
    delta: ledgerDelta(change),
    reason: change.reason,
    actorId: change.actor.memberId,
    actorService: change.actor.service,
    reservationKey: change.reservationKey ?? null,
  });
  const availableBefore = level.available - (dOnHand - dReserved);
  if (availableBefore > 0 !== level.available > 0) {
    enqueueVariantAvailability(tx, changes, { variantId: level.variantId, inStock: level.available > 0 });
  }
  await evaluateLowStock(tx, changes, level);
  changes.stock.set(level.variantId, {
    variantId: level.variantId,
    onHand: level.onHand,
    reserved: level.reserved,
    available: level.available,
    at: level.updatedAt,
  });
  return level;
}

/** Reads a variant's level without locking it; null when inventory holds no row for it. */
export async function readStockLevel(em: EntityManager, variantId: string): Promise<StockLevel | null> {
  const [row] = await em.execute<StockLevelRow[]>(
    `select ${STOCK_LEVEL_COLUMNS} from ${table(em, 'stock_level')} where "variant_id" = ?`,
    [variantId],
  );
  return row ? StockLevel.fromRow(row) : null;
}
