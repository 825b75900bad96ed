import { badUserInput, requireUuid } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { table } from '../db-tables.js';

/** Records (or changes) a store's owner as the catalog reports it; repeating it changes nothing. */
export async function registerStore(em: EntityManager, storeId: string, ownerId: string): Promise<boolean> {
  await em.execute(
    `insert into ${table(em, 'store_owner')} ("store_id", "owner_id") values (?, ?)
     on conflict ("store_id") do update set "owner_id" = excluded."owner_id", "updated_at" = now()
     where ${table(em, 'store_owner')}."owner_id" <> excluded."owner_id"`,
    [requireUuid(storeId, 'storeId'), requireUuid(ownerId, 'ownerId')],
  );
  return true;
}

export interface VariantRegistration {
  variantId: string;
  storeId: string;
}

/**
 * Gives each variant a stock row (0 on hand) if it has none, and records its store. Idempotent: one
 * upsert statement, so concurrent or repeated calls neither fail nor duplicate.
 */
export async function registerVariants(em: EntityManager, variants: VariantRegistration[]): Promise<boolean> {
  if (variants.length === 0) return true;
  if (variants.length > 1_000) throw badUserInput('Register at most 1000 variants per call.', 'variants');
  const rows = new Map(variants.map((v) => [requireUuid(v.variantId, 'variantId'), requireUuid(v.storeId, 'storeId')]));
  await em.execute(
    `insert into ${table(em, 'stock_level')} ("variant_id", "store_id", "on_hand")
     select v.variant_id, v.store_id, 0 from jsonb_to_recordset(?::jsonb) as v(variant_id uuid, store_id uuid)
     on conflict ("variant_id") do update set "store_id" = excluded."store_id"
     where ${table(em, 'stock_level')}."store_id" is distinct from excluded."store_id"`,
    [JSON.stringify([...rows].map(([variant_id, store_id]) => ({ variant_id, store_id })))],
  );
  return true;
}
