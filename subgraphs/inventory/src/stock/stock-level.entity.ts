import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';

/**
 * The stock of one catalog variant. `reserved` units are promised (time-sales, unpaid claims) but still
 * on the shelf, so the database itself refuses a row that promises more than it holds.
 */
@ObjectType({ description: 'How many units of a variant the shop holds and how many of them are still free to sell.' })
@Entity({ tableName: 'stock_level' })
@Check({ name: 'stock_level_on_hand_check', expression: 'on_hand >= 0' })
@Check({ name: 'stock_level_reserved_check', expression: 'reserved >= 0' })
@Check({ name: 'stock_level_reserved_within_on_hand_check', expression: 'reserved <= on_hand' })
@Check({ name: 'stock_level_low_stock_threshold_check', expression: 'low_stock_threshold >= 0' })
export class StockLevel {
  [OptionalProps]?: 'reserved' | 'lowStockThreshold' | 'updatedAt' | 'available';

  /** The catalog's variant id: inventory keeps one row per variant and never reads the catalog's tables. */
  @PrimaryKey({ type: 'uuid' })
  variantId!: string;

  @Field(() => Int, { description: 'Units physically in stock, including reserved ones.' })
  @Property({ type: 'integer' })
  onHand!: number;

  @Field(() => Int, { description: 'Units set aside for time-sales and pending claims; part of onHand but not for sale.' })
  @Property({ type: 'integer', default: 0 })
  reserved: number = 0;

  @Field(() => Int, { description: 'When available falls to this number or below, the store is alerted.' })
  @Property({ type: 'integer', default: 0 })
  lowStockThreshold: number = 0;

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Field(() => Int, { description: 'Units that can still be sold: onHand minus reserved.' })
  get available(): number {
    return this.onHand - this.reserved;
  }

  /** What a variant that never had stock looks like: nothing on hand, nothing reserved. Not persisted. */
  static empty(variantId: string): StockLevel {
    const level = new StockLevel();
    level.variantId = variantId;
    level.onHand = 0;
    return level;
  }
}
