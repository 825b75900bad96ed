import { demoId, demoStores, demoVariants } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';
import { table } from '../db-tables.js';

/** Demo store owners as the catalog would register them; returns how many were missing. */
export async function seedStoreOwners(em: EntityManager): Promise<number> {
  const owners = demoStores.map((store) => ({ store_id: demoId(store.key), owner_id: demoId(store.owner) }));
  const written = await em.execute(
    `insert into ${table(em, 'store_owner')} ("store_id", "owner_id")
     select s.store_id, s.owner_id from jsonb_to_recordset(?::jsonb) as s(store_id uuid, owner_id uuid)
     on conflict ("store_id") do nothing returning "store_id"`,
    [JSON.stringify(owners)],
  );
  return written.length;
}

/**
 * Gives demo stock rows their store when they were seeded before inventory tracked stores; returns how
 * many it filled. A no-op on a database seeded by this version.
 */
export async function backfillDemoVariantStores(em: EntityManager): Promise<number> {
  const stores = demoVariants.map((variant) => ({ variant_id: demoId(variant.key), store_id: demoId(variant.product.store) }));
  const filled = await em.execute(
    `update ${table(em, 'stock_level')} as s set "store_id" = v.store_id
       from jsonb_to_recordset(?::jsonb) as v(variant_id uuid, store_id uuid)
      where s."variant_id" = v.variant_id and s."store_id" is null
      returning s."variant_id"`,
    [JSON.stringify(stores)],
  );
  return filled.length;
}
