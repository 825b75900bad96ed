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
// Serves a seller's store orders, newest first.
@Index({ properties: ['storeId', 'id'] })
@Check({
  name: 'customer_order_amounts_check',
  expression: 'subtotal_amount >= 0 and discount_amount >= 0 and points_used >= 0 and total_amount >= 0',
})
@Check({
  name: 'customer_order_total_check',
  expression: 'total_amount = subtotal_amount - discount_amount - points_used',
})
export class Order {
  [OptionalProps]?:
    | 'status'
    | 'couponTemplateId'
    | 'discountAmount'
    | 'pointsUsedAmount'
    | 'createdAt'
    | 'updatedAt'
    | 'storeId'
    | 'issuedCouponId'
    | 'timeSaleClaimId'
    | 'paymentMethod'
    | 'paymentId'
    | 'paidAt'
    | 'cancelledAt'
    | 'cancelReason'
    | 'refundRequestedAt'
    | 'refundReason'
    | 'refundRejectionReason'
    | 'refundedAt'
    | 'deliveredAt';

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

  /** The store that sells every line (one store per order; recorded from the catalog at checkout). */
  @Property({ type: 'uuid', nullable: true })
  storeId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  issuedCouponId: string | null = null;

  @Property({ type: 'text', nullable: true })
  timeSaleClaimId: string | null = null;

  @Property({ type: 'text', nullable: true })
  paymentMethod: string | null = null;

  /** The payment provider's authorization id. */
  @Property({ type: 'text', nullable: true })
  paymentId: string | null = null;

  @Field(() => Date, { nullable: true, description: 'When the payment went through.' })
  @Index()
  @Property({ type: 'timestamptz', nullable: true })
  paidAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the order was cancelled.' })
  @Property({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'Why it was cancelled (e.g. the checkout failure code).' })
  @Property({ type: 'text', nullable: true })
  cancelReason: string | null = null;

  @Field(() => Date, { nullable: true, description: 'When the buyer asked for a refund.' })
  @Property({ type: 'timestamptz', nullable: true })
  refundRequestedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'The reason the buyer gave for the refund.' })
  @Property({ type: 'text', nullable: true })
  refundReason: string | null = null;

  @Field(() => String, { nullable: true, description: 'Why the seller turned the refund down.' })
  @Property({ type: 'text', nullable: true })
  refundRejectionReason: string | null = null;

  @Field(() => Date, { nullable: true, description: 'When the refund was paid back.' })
  @Property({ type: 'timestamptz', nullable: true })
  refundedAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the buyer received it.' })
  @Property({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null = null;

  @Field({ description: 'When the order was placed.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field({ description: 'When the order last changed, e.g. its status.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
