import { badUserInput, notFound, type Viewer } from '@commerce/kit';
import { table } from '../db-tables.js';
import { actorOf } from '../stock/stock-actor.js';
import { applyStockChange, readStockLevel, refuseOnHandOverflow } from '../stock/stock-change.js';
import { StockMovementKind } from '../stock/stock-movement-kind.js';
import { inStockTransaction, type StockTransactionDeps } from '../stock/stock-transaction.js';
import { checkKey, normalizeLines } from './stock-reservation.service.js';

type ServiceContext = StockTransactionDeps & { viewer: Viewer | null };

/**
 * Puts sold units back on hand (a cancelled or refunded order): one RETURN movement per line, through the
 * same guarded change as every other stock move, so live events, the catalog's in-stock flag and the
 * low-stock re-arm follow exactly as they do for an adjustment. The key's row is claimed first in the
 * same transaction: a repeat (or a concurrent duplicate, which waits on the key) changes nothing and
 * answers true like the first call. A variant inventory does not know rolls the whole return back.
 */
export async function returnStock(
  context: ServiceContext,
  input: { key: string; lines: { variantId: string; quantity: number }[]; reason: string },
): Promise<boolean> {
  const key = checkKey(input.key);
  const lines = normalizeLines(input.lines);
  const reason = input.reason.trim();
  if (!reason || reason.length > 500) throw badUserInput('reason must be 1 to 500 characters.', 'reason');
  const actor = actorOf(context.viewer!);
  return inStockTransaction(context, async (tx, changes) => {
    const claimed = await tx.execute(
      `insert into ${table(tx, 'stock_return')} ("key", "reason") values (?, ?) on conflict ("key") do nothing returning "key"`,
      [key, reason],
    );
    if (claimed.length === 0) return true;
    for (const line of lines) {
      const level = await applyStockChange(tx, changes, {
        variantId: line.variantId,
        onHandDelta: line.quantity,
        reservedDelta: 0,
        kind: StockMovementKind.RETURN,
        reason: `Returned under ${key}: ${reason}`,
        actor,
      });
      if (!level) {
        // Adding units breaks the guard only past MAX_ON_HAND; otherwise no row means inventory never registered the variant.
        const current = await readStockLevel(tx, line.variantId);
        if (current) refuseOnHandOverflow(current, line.quantity, 'lines');
        throw notFound('StockLevel', line.variantId);
      }
    }
    return true;
  });
}
