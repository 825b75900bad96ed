import { badUserInput, requireUuid } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WishlistItem } from './wishlist-item.entity.js';

export const MAX_WISHLIST_SIZE = 500;

/**
 * Adds a product (idempotent). Members cannot see catalog's tables, so the ID is not checked against
 * the catalog here; a product that does not exist (any more) resolves to a null item through the gateway.
 */
export async function addToWishlist(em: EntityManager, memberId: string, productId: string): Promise<void> {
  const id = requireUuid(productId, 'productId');
  await em.transactional(async (tx) => {
    // Serializes adds of one member so the size cap holds under concurrency.
    await tx.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`wishlist:${memberId}`]);
    const [row] = await tx.execute<{ count: string }[]>(`select count(*) from "members"."wishlist_item" where "member_id" = ?`, [memberId]);
    if (Number(row?.count ?? 0) >= MAX_WISHLIST_SIZE) throw badUserInput(`A wishlist holds at most ${MAX_WISHLIST_SIZE} products.`, 'productId');
    await tx.execute(
      `insert into "members"."wishlist_item" ("member_id", "product_id") values (?, ?) on conflict do nothing`,
      [memberId, id],
    );
  });
}

export async function removeFromWishlist(em: EntityManager, memberId: string, productId: string): Promise<void> {
  await em.execute(`delete from "members"."wishlist_item" where "member_id" = ? and "product_id" = ?`, [memberId, requireUuid(productId, 'productId')]);
}

/** A product the catalog deleted leaves every wishlist (idempotent); returns how many wishlists held it. */
export function forgetProduct(em: EntityManager, productId: string): Promise<number> {
  return em.nativeDelete(WishlistItem, { productId: requireUuid(productId, 'productId') });
}
