import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A product on a member's wishlist; the pair is the key, so adding twice is a no-op. */
@Entity({ tableName: 'wishlist_item' })
@Index({ name: 'wishlist_item_product_id_index', properties: ['productId'] })
export class WishlistItem {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  memberId!: string;

  /** A catalog product ID: members owns no product data, the gateway fetches it from catalog. */
  @PrimaryKey({ type: 'uuid' })
  productId!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
