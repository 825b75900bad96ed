import { Field, ID, InputType } from 'type-graphql';
import { ProductVariantInput } from '../product-variant/product-variant.inputs.js';

@InputType({ description: 'A new product of a store, with at least one variant.' })
export class CreateProductInput {
  @Field(() => ID, { description: 'The store that sells it; the caller must own it (or be an admin).' })
  storeId!: string;

  @Field({ description: 'Display name, 1 to 200 characters.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Longer text, up to 5000 characters.' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'Brand or maker, up to 100 characters.' })
  brand?: string | null;

  @Field(() => ID, { nullable: true, description: 'The category to file it under.' })
  categoryId?: string | null;

  @Field(() => [String], { defaultValue: [], description: 'Absolute http(s) image URLs, the main picture first; at most 20.' })
  imageUrls!: string[];

  @Field({ defaultValue: 'KRW', description: 'ISO 4217 currency of every variant price, e.g. KRW.' })
  currency!: string;

  @Field(() => [ProductVariantInput], { description: 'The buyable variants, 1 to 100, in display order.' })
  variants!: ProductVariantInput[];
}

@InputType({ description: 'Changes to a product; omitted fields stay as they are, null clears an optional one.' })
export class UpdateProductInput {
  @Field(() => String, { nullable: true, description: 'New display name, 1 to 200 characters.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New description; null or blank clears it.' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'New brand; null or blank clears it.' })
  brand?: string | null;

  @Field(() => ID, { nullable: true, description: 'New category; null files it under none.' })
  categoryId?: string | null;

  @Field(() => [String], { nullable: true, description: 'New image URLs, replacing the old ones.' })
  imageUrls?: string[] | null;
}
