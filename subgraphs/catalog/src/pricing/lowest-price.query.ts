import type { EntityManager } from '@mikro-orm/postgresql';
import { tableOf } from '../common/sql.js';
import { ProductVariant } from '../product-variant/product-variant.entity.js';
import { VariantSalePrice } from './variant-sale-price.entity.js';

export interface LowestPrice {
  /** Null for a product without variants. */
  price: { amount: number; currency: string } | null;
  /** When the answer may change by itself: the next start or end of one of the product's sale windows. */
  changesAt: Date | null;
}

/**
 * The lowest price now of each product over its variants, a sale price counting only inside its window
 * [startsAt, endsAt), with the next window boundary after `now`. One query for any number of products.
 */
export async function queryLowestPrices(em: EntityManager, productIds: string[], now: Date): Promise<Map<string, LowestPrice>> {
  const variants = tableOf(em, ProductVariant);
  const sales = tableOf(em, VariantSalePrice);
  const rows: { product_id: string; amount: number | null; currency: string | null; changes_at: Date | null }[] = await em.execute(
    `select p.id as product_id, priced.amount, priced.currency, boundary.changes_at
       from unnest(?::uuid[]) as p(id)
       left join lateral (
         select min(least(v.price_amount, coalesce(
                  (select min(s.price_amount) from ${sales} s where s.variant_id = v.id and s.starts_at <= ? and s.ends_at > ?),
                  v.price_amount))) as amount,
                min(v.currency) as currency
           from ${variants} v where v.product_id = p.id
       ) priced on true
       left join lateral (
         select min(case when s.starts_at > ? then s.starts_at else s.ends_at end) as changes_at
           from ${variants} v join ${sales} s on s.variant_id = v.id
          where v.product_id = p.id and s.ends_at > ?
       ) boundary on true`,
    // MikroORM spreads a JS array into a list of parameters; an array literal of UUIDs goes as one text.
    [`{${productIds.join(',')}}`, now, now, now, now],
  );
  return new Map(
    rows.map((row) => [
      row.product_id,
      {
        price: row.amount === null ? null : { amount: Number(row.amount), currency: row.currency! },
        changesAt: row.changes_at ? new Date(row.changes_at) : null,
      },
    ]),
  );
}
