import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Money, uuidv7 } from '@commerce/kit';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

/**
 * A fixed number of units of one variant at a sale price inside a time window. `claimed` only grows
 * through claims, so the database refuses a sale that hands out more than it has.
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A limited number of units of one variant sold at a special price inside a time window.' })
@Entity({ tableName: 'time_sale' })
@Index({ name: 'time_sale_variant_id_index', properties: ['variantId'] })
@Check({ name: 'time_sale_quantity_check', expression: 'quantity > 0' })
@Check({ name: 'time_sale_claimed_check', expression: 'claimed >= 0 and claimed <= quantity' })
@Check({ name: 'time_sale_window_check', expression: 'ends_at > starts_at' })
@Check({ name: 'time_sale_per_member_limit_check', expression: 'per_member_limit > 0' })
@Check({ name: 'time_sale_price_amount_check', expression: 'price_amount >= 0' })
export class TimeSale {
  [OptionalProps]?: 'claimed' | 'createdAt' | 'price' | 'durableRemaining' | 'storeId' | 'cancelledAt' | 'settledAt' | 'createdBy';

  @Field(() => ID, { description: 'Opaque time-sale ID.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  /** The catalog's variant id; exposed as the `variant` entity by the resolver. */
  @Property({ type: 'uuid' })
  variantId!: string;

  @Property({ type: 'integer' })
  priceAmount!: number;

  @Property({ type: 'text' })
  currency!: string;

  @Field(() => Int, { description: 'Units offered in this sale.' })
  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: 'integer', default: 0 })
  claimed: number = 0;

  @Field({ description: 'When claims open.' })
  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Field({ description: 'When claims close; the sale has ended from this instant on.' })
  @Property({ type: 'timestamptz' })
  endsAt!: Date;

  @Field(() => Int, { description: 'The most units one member may claim in this sale.' })
  @Property({ type: 'integer' })
  perMemberLimit!: number;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  /** The variant's store when the sale was created (who may manage it); null for sales older than the engine. */
  @Property({ type: 'uuid', nullable: true })
  storeId: string | null = null;

  /** The member who created it; null for seeded sales. */
  @Property({ type: 'uuid', nullable: true })
  createdBy: string | null = null;

  /** Set when a seller or admin withdrew the sale: claims end at once, held claims may still check out. */
  @Property({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null = null;

  /**
   * Set once the window is over and no claim is held any more: the units never sold went back to the
   * variant's stock (one RELEASE movement) and the sale's Redis state may be dropped.
   */
  @Property({ type: 'timestamptz', nullable: true })
  settledAt: Date | null = null;

  @Field(() => Money, { description: 'The sale price of one unit.' })
  get price(): Money {
    return Money.of(this.priceAmount, this.currency);
  }

  /** Units not claimed according to PostgreSQL; Redis is ahead of this while the stream consumer catches up. */
  get durableRemaining(): number {
    return this.quantity - this.claimed;
  }
}
