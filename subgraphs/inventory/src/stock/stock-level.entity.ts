import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';

/**
 * The stock of one catalog variant. `reserved` units are promised (time-sales, unpaid claims) but still
 * on the shelf, so the database itself refuses a row that promises more than it holds.
 */
/** A `stock_level` row as raw SQL returns it. */
export interface StockLevelRow {
  variant_id: string;
  store_id: string | null;
  on_hand: number;
  reserved: number;
  low_stock_threshold: number;
  low_stock_armed: boolean;
  updated_at: Date | string;
  retired_at: Date | string | null;
}

@ObjectType({ description: 'How many units of a variant the shop holds and how many of them are still free to sell.' })
@Entity({ tableName: 'stock_level' })
@Check({ name: 'stock_level_on_hand_check', expression: 'on_hand >= 0' })
@Check({ name: 'stock_level_reserved_check', expression: 'reserved >= 0' })
@Check({ name: 'stock_level_reserved_within_on_hand_check', expression: 'reserved <= on_hand' })
@Check({ name: 'stock_level_low_stock_threshold_check', expression: 'low_stock_threshold >= 0' })
export class StockLevel {
  [OptionalProps]?: 'reserved' | 'lowStockThreshold' | 'lowStockArmed' | 'storeId' | 'updatedAt' | 'available' | 'retiredAt';

  /** The catalog's variant id: inventory keeps one row per variant and never reads the catalog's tables. */
  @PrimaryKey({ type: 'uuid' })
  variantId!: string;

  /**
   * The catalog store selling the variant, as the catalog registered it (registerVariants): who may
   * manage this stock is decided here without reading the catalog. Null only for rows older than that.
   */
  @Property({ type: 'uuid', nullable: true })
  storeId: string | null = null;

  @Field(() => Int, { description: 'Units physically in stock, including reserved ones.' })
  @Property({ type: 'integer' })
  onHand!: number;

  @Field(() => Int, { description: 'Units set aside for time-sales and orders being checked out; part of onHand but not for sale.' })
  @Property({ type: 'integer', default: 0 })
  reserved: number = 0;

  @Field(() => Int, { description: 'When available falls below this number, the store is alerted once; 0 turns alerts off.' })
  @Property({ type: 'integer', default: 0 })
  lowStockThreshold: number = 0;

  /**
   * Whether the next fall below the threshold raises an alert. Cleared when an alert fires, set again
   * once available is back at the threshold or above, so a variant hovering below alerts only once.
   */
  @Property({ type: 'boolean', default: true })
  lowStockArmed: boolean = true;

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  /**
   * When the catalog deleted the variant (retireVariants). The row and its ledger stay as history and units may
   * still come back to it (a settlement, a return), but nobody may stock it, alert on it or sell it in a new sale.
   */
  @Property({ type: 'timestamptz', nullable: true })
  retiredAt: Date | null = null;

  @Field(() => Int, { description: 'Units that can still be sold: onHand minus reserved.' })
  get available(): number {
    return this.onHand - this.reserved;
  }

  /** A level from a raw `stock_level` row (see `stock-change.ts`); not managed by any EntityManager. */
  static fromRow(row: StockLevelRow): StockLevel {
    const level = new StockLevel();
    level.variantId = row.variant_id;
    level.storeId = row.store_id;
    level.onHand = row.on_hand;
    level.reserved = row.reserved;
    level.lowStockThreshold = row.low_stock_threshold;
    level.lowStockArmed = row.low_stock_armed;
    level.updatedAt = new Date(row.updated_at);
    level.retiredAt = row.retired_at === null ? null : new Date(row.retired_at);
    return level;
  }

  /** What a variant that never had stock looks like: nothing on hand, nothing reserved. Not persisted. */
  static empty(variantId: string): StockLevel {
    const level = new StockLevel();
    level.variantId = variantId;
    level.onHand = 0;
    return level;
  }
}
