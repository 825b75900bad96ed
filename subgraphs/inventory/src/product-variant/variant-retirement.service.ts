import { badUserInput, requireUuid } from '@commerce/kit';
import type { InventoryContext } from '../context.js';
import { LowStockAlert } from '../low-stock/low-stock-alert.entity.js';
import { TimeSale } from '../time-sale/time-sale.entity.js';
import { withdrawTimeSale } from '../time-sale/time-sale.service.js';

/**
 * The catalog deleted these variants: their open time-sales are withdrawn (claims answer ENDED; held ones can no
 * longer check out, as the catalog no longer sells the variant, and expire) and their low-stock alerts go. Stock rows
 * and the movement ledger stay, as history. Idempotent: answers how many sales this call withdrew.
 */
export async function retireVariants(context: InventoryContext, variantIds: string[]): Promise<number> {
  if (variantIds.length > 1_000) throw badUserInput('Retire at most 1000 variants per call.', 'variantIds');
  const ids = [...new Set(variantIds.map((id) => requireUuid(id, 'variantIds')))];
  if (ids.length === 0) return 0;
  const open = await context.em.find(TimeSale, { variantId: { $in: ids }, cancelledAt: null, settledAt: null }, { fields: ['id'] });
  let withdrawn = 0;
  for (const sale of open) if (await withdrawTimeSale(context, sale.id)) withdrawn += 1;
  await context.em.nativeDelete(LowStockAlert, { variantId: { $in: ids } });
  return withdrawn;
}
