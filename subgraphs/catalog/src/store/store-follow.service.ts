import { requireMember, requireUuid } from '@commerce/kit';
import { tableOf } from '../common/sql.js';
import { toggleRelation } from '../common/toggle-counter.js';
import type { CatalogContext } from '../context.js';
import { Store } from './store.entity.js';
import { StoreFollow } from './store-follow.entity.js';

/** Follows (or unfollows) a store as the calling member; idempotent. Returns the store as it is now. */
export async function setFollowing(context: CatalogContext, storeIdArg: string, follow: boolean): Promise<Store> {
  const member = requireMember(context);
  const storeId = requireUuid(storeIdArg, 'storeId');
  const { em } = context;
  await toggleRelation(
    em,
    { relationTable: tableOf(em, StoreFollow), targetColumn: 'store_id', targetTable: tableOf(em, Store), counterColumn: 'follower_count', typeName: 'Store' },
    storeId,
    member.memberId,
    follow,
  );
  // The statement above bypassed the identity map: read the counter it just moved.
  return em.findOneOrFail(Store, storeId, { refresh: true });
}
