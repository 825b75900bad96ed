import { requireMember, requireUuid } from '@commerce/kit';
import { tableOf } from '../common/sql.js';
import { toggleRelation } from '../common/toggle-counter.js';
import type { CatalogContext } from '../context.js';
import { Product } from './product.entity.js';
import { ProductLike } from './product-like.entity.js';

/** Likes (or unlikes) a product as the calling member; idempotent. Returns the product as it is now. */
export async function setLiking(context: CatalogContext, productIdArg: string, like: boolean): Promise<Product> {
  const member = requireMember(context);
  const productId = requireUuid(productIdArg, 'productId');
  const { em } = context;
  await toggleRelation(
    em,
    { relationTable: tableOf(em, ProductLike), targetColumn: 'product_id', targetTable: tableOf(em, Product), counterColumn: 'like_count', typeName: 'Product' },
    productId,
    member.memberId,
    like,
  );
  // The statement above bypassed the identity map: read the counter it just moved.
  return em.findOneOrFail(Product, productId, { refresh: true });
}
