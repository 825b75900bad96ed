import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * The catalog owns variants; inventory only adds `stock` to them. Holding nothing but the id, it is
 * resolvable here without a query, so the gateway can ask inventory for the stock of any variant.
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'One buyable form of a product (a size, a colour…) with its own SKU and price.' })
export class ProductVariant {
  @Field(() => ID, { description: 'Opaque variant ID.' })
  id!: string;
}
