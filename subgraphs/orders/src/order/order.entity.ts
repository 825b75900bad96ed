import { uuidv7 } from '@commerce/kit';
import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { OrderStatus } from './order-status.js';

/**
 * One checkout. Amounts are stored as they were charged, so later price or coupon changes never
 * rewrite history; the CHECKs keep the arithmetic honest whatever code writes the row.
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A placed order: what was bought, by whom, and what was paid.' })
@Entity({ tableName: 'customer_order' })
// Serves "my orders", newest first, paged by id.
@Index({ properties: ['buyerId', 'id'] })
@Check({
  name: 'customer_order_amounts_check',
  expression: 'subtotal_amount >= 0 and discount_amount >= 0 and points_used >= 0 and total_amount >= 0',
})
@Check({
  name: 'customer_order_total_check',
  expression: 'total_amount = subtotal_amount - discount_amount - points_used',
})
export class Order {
  [OptionalProps]?: 'status' | 'couponTemplateId' | 'discountAmount' | 'pointsUsedAmount' | 'createdAt' | 'updatedAt';

  @Field(() => ID, { description: 'Opaque order ID.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Field({ description: 'Human-readable order number to quote to support, e.g. D-000001.' })
  @Property({ type: 'text' })
  @Unique()
  number!: string;

  @Field(() => OrderStatus, { description: 'Where the order stands.' })
  @Enum({ items: () => OrderStatus, type: 'text', default: OrderStatus.PENDING_PAYMENT })
  status: OrderStatus = OrderStatus.PENDING_PAYMENT;

  @Property({ type: 'uuid' })
  buyerId!: string;

  @Property({ type: 'uuid', nullable: true })
  couponTemplateId: string | null = null;

  @Property({ type: 'integer' })
  subtotalAmount!: number;

  @Property({ type: 'integer', default: 0 })
  discountAmount: number = 0;

  /** Points are spent one-for-one against the order's currency; the column keeps its domain name. */
  @Property({ type: 'integer', fieldName: 'points_used', default: 0 })
  pointsUsedAmount: number = 0;

  @Property({ type: 'integer' })
  totalAmount!: number;

  @Property({ type: 'text' })
  currency!: string;

  @Field({ description: 'When the order was placed.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field({ description: 'When the order last changed, e.g. its status.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
