import { Field, ID, Int, ObjectType } from 'type-graphql';

// Output type stays accessible (like inventory's StockReservation): only the operation is hidden.
@ObjectType({ description: "What the order saga needs to know about a variant at checkout (internal, orders only)." })
export class CheckoutVariant {
  @Field(() => ID, { description: 'The variant.' })
  variantId!: string;

  @Field(() => ID, { description: 'Its product.' })
  productId!: string;

  @Field(() => ID, { description: "The product's store." })
  storeId!: string;

  @Field(() => ID, { nullable: true, description: "The product's category, if any." })
  categoryId!: string | null;

  @Field({ description: 'Stock-keeping unit.' })
  sku!: string;

  @Field(() => Int, { description: 'Regular unit price now, in minor units.' })
  price!: number;

  @Field({ description: 'ISO 4217 currency of the price.' })
  currency!: string;

  @Field({ description: 'Whether inventory last reported it buyable.' })
  inStock!: boolean;

  @Field({ description: 'Product name with the option values, e.g. "Linen shirt (M)".' })
  name!: string;

  @Field({
    description: 'A digest of the options (name=value pairs in order): it changes exactly when the options do, so carts can tell.',
  })
  optionsDigest!: string;
}
