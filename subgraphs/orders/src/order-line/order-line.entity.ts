import { uuidv7 } from '@commerce/kit';
import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Order } from '../order/order.entity.js';

/**
 * One variant bought in an order, at the price charged then. The currency is the order's: an order
 * is paid in one currency, so the line does not store a second copy that could disagree.
 */
@ObjectType({ description: 'One variant bought in an order, with the price charged for it.' })
@Entity({ tableName: 'order_line' })
@Check({ name: 'order_line_quantity_check', expression: 'quantity > 0' })
@Check({ name: 'order_line_unit_price_amount_check', expression: 'unit_price_amount >= 0' })
@Check({
  name: 'order_line_allocation_check',
  expression: 'discount_amount >= 0 and points_amount >= 0 and discount_amount + points_amount <= greatest(quantity * unit_price_amount, 0)',
})
export class OrderLine {
  [OptionalProps]?: 'productId' | 'storeId' | 'categoryId' | 'sku' | 'name' | 'discountAmount' | 'pointsAmount';

  @Field(() => ID, { description: 'Opaque order line ID.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  // Held as the id so lines group by order without loading it; indexed for linesByOrderId's `in (…)`.
  @ManyToOne(() => Order, { mapToPk: true, fieldName: 'order_id' })
  @Index()
  orderId!: string;

  @Property({ type: 'uuid' })
  variantId!: string;

  @Field(() => Int, { description: 'How many units were bought; always at least 1.' })
  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: 'integer' })
  unitPriceAmount!: number;

  /** What the catalog said at checkout: reports and settlement group by these without asking it again. */
  @Property({ type: 'uuid', nullable: true })
  productId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  storeId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  categoryId: string | null = null;

  @Field(() => String, { nullable: true, description: 'The SKU at checkout.' })
  @Property({ type: 'text', nullable: true })
  sku: string | null = null;

  @Field(() => String, { nullable: true, description: 'Product name and options at checkout, e.g. "Linen Shirt (M)".' })
  @Property({ type: 'text', nullable: true })
  name: string | null = null;

  /** This line's share of the order's coupon discount (largest-remainder allocation; the shares add up exactly). */
  @Property({ type: 'integer', default: 0 })
  discountAmount: number = 0;

  /** This line's share of the points used. */
  @Property({ type: 'integer', default: 0 })
  pointsAmount: number = 0;
}
