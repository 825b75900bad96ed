import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';

/**
 * Who owns each catalog store, as the catalog told inventory (registerStore). Inventory cannot read the
 * catalog's tables, yet must decide on its own whether a member may manage a store's stock.
 */
@Entity({ tableName: 'store_owner' })
export class StoreOwner {
  [OptionalProps]?: 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  storeId!: string;

  @Property({ type: 'uuid' })
  ownerId!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}
