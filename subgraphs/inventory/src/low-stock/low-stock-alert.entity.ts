import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '@commerce/kit';
import { Field, ID, Int, ObjectType } from 'type-graphql';

/** A variant's available stock fell below its threshold: stored so the store sees it even if nobody was listening. */
@ObjectType({ description: "A variant's available stock fell below the store's low-stock threshold." })
@Entity({ tableName: 'low_stock_alert' })
@Index({ name: 'low_stock_alert_store_id_id_index', properties: ['storeId', 'id'] })
@Index({ name: 'low_stock_alert_variant_id_index', properties: ['variantId'] })
export class LowStockAlert {
  [OptionalProps]?: 'createdAt' | 'readAt';

  /** UUIDv7: time-ordered, so it doubles as the paging key (newest first). */
  @Field(() => ID, { description: 'Opaque alert ID.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Property({ type: 'uuid' })
  storeId!: string;

  /** Exposed as the `variant` entity by the resolver. */
  @Property({ type: 'uuid' })
  variantId!: string;

  @Field(() => Int, { description: 'Units available right after the fall.' })
  @Property({ type: 'integer' })
  available!: number;

  @Field(() => Int, { description: 'The threshold it fell below.' })
  @Property({ type: 'integer' })
  threshold!: number;

  @Field({ name: 'at', description: 'When the alert fired.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'When the store marked it read; null while unread.' })
  @Property({ type: 'timestamptz', nullable: true })
  readAt: Date | null = null;
}
