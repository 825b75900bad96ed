import { badUserInput, requireUuid } from '@commerce/kit';
import type { InventoryContext } from '../context.js';
import { table } from '../db-tables.js';
import { LowStockAlert } from '../low-stock/low-stock-alert.entity.js';
import { TimeSale } from '../time-sale/time-sale.entity.js';
import { withdrawTimeSale } from '../time-sale/time-sale.service.js';

/**
 * The catalog deleted these variants. Their stock rows are marked retired (kept, with their ledger, as history), so
 * nobody stocks them or opens a new sale of them again; their open time-sales are withdrawn (claims answer ENDED;
 * held ones can no longer check out, as the catalog no longer sells the variant, and expire); their alerts go.
 * Idempotent, and a retry finishes what a failed call left: answers how many sales this call withdrew.
 */
export async function retireVariants(context: InventoryContext, variantIds: string[]): Promise<number> {
  if (variantIds.length > 1_000) throw badUserInput('Retire at most 1000 variants per call.', 'variantIds');
  const ids = [...new Set(variantIds.map((id) => requireUuid(id, 'variantIds')))];
  if (ids.length === 0) return 0;
  // First, and committed before the sales are looked up: createTimeSale checks the mark on the row its set-aside
  // locks, so a sale created concurrently either committed before this (and is found below) or is refused.
  // The rows are locked in variant-id order, as a reservation locks them (normalizeLines): a plain multi-row update
  // would lock them in whatever order it scanned them, and deadlock with a reservation of the same variants.
  await context.em.execute(
    `update ${table(context.em, 'stock_level')} set "retired_at" = coalesce("retired_at", now())
      where "variant_id" in (select "variant_id" from ${table(context.em, 'stock_level')}
                              where "variant_id" in (select value::uuid from jsonb_array_elements_text(?::jsonb))
                              order by "variant_id" for update)`,
    [JSON.stringify(ids)],
  );
  // Every sale not settled yet, cancelled ones too: a withdrawal whose Redis step failed is finished by the retry.
  const open = await context.em.find(TimeSale, { variantId: { $in: ids }, settledAt: null }, { fields: ['id'] });
  let withdrawn = 0;
  for (const sale of open) if (await withdrawTimeSale(context, sale.id)) withdrawn += 1;
  await context.em.nativeDelete(LowStockAlert, { variantId: { $in: ids } });
  return withdrawn;
}
