import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({ description: 'Narrows a product listing; a product must meet every criterion given.' })
export class ProductFilter {
  @Field(() => String, { nullable: true, description: 'Case-insensitive text matched against name, brand and description.' })
  search?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only products filed under this category.' })
  categoryId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only products of this store.' })
  storeId?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Lowest price in minor units: matches products with at least one variant at or above it (and within maxPrice).',
  })
  minPrice?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Highest price in minor units: matches products with at least one variant at or below it (and within minPrice).',
  })
  maxPrice?: number | null;
}
