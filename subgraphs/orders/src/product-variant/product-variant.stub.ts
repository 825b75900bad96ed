import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Owned by the catalog subgraph; an order line keeps only the variant's id. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('ProductVariant', { description: 'One buyable form of a product (a size, a colour…) with its own SKU and price.' })
export class ProductVariant {
  @Field(() => ID, { description: 'Opaque variant ID.' })
  id!: string;
}

export const productVariantStub = (id: string): ProductVariant => ({ id });
