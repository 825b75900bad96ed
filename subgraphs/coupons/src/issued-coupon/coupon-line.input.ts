import { Field, ID, InputType, Int } from 'type-graphql';

/**
 * One cart line, described by the caller. Carts live in the orders subgraph's Redis, which this subgraph
 * must not read, so whoever asks (the orders saga, or a client showing a quote) passes the lines.
 */
@InputType({ description: 'One cart line a coupon is priced against; amounts in KRW (integer won).' })
export class CouponLineInput {
  @Field(() => ID, { description: 'The product variant.' })
  variantId!: string;

  @Field(() => ID, { description: 'The product of the variant (PRODUCTS scope).' })
  productId!: string;

  @Field(() => ID, { description: 'The store selling it (STORE scope).' })
  storeId!: string;

  @Field(() => ID, { nullable: true, description: 'The product category (CATEGORY scope), if any.' })
  categoryId?: string | null;

  @Field(() => Int, { description: 'Price of one unit, integer won.' })
  unitPrice!: number;

  @Field(() => Int, { description: 'How many units.' })
  quantity!: number;
}
