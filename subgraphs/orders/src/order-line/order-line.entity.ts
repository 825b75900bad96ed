import { uuidv7 } from '@commerce/kit';
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
export class OrderLine {
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
}
