import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({ description: 'Narrows a product listing; a product must meet every criterion given.' })
export class ProductFilter {
  @Field(() => String, { nullable: true, description:
      'Full-text search over name, brand and description: every word must start a word of the product. Results then come by relevance.' })
  search?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only products filed under this category.' })
  categoryId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only products of this store.' })
  storeId?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Lowest price in minor units: matches products with at least one variant whose current price (a running sale price when lower) is at or above it (and within maxPrice).',
  })
  minPrice?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Highest price in minor units: matches products with at least one variant whose current price (a running sale price when lower) is at or below it (and within minPrice).',
  })
  maxPrice?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only products with a variant in stock; false: only products with none in stock.',
  })
  inStock?: boolean | null;
}
