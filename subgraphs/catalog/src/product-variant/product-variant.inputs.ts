import { MAX_UNIT_PRICE } from '@commerce/kit';
import { Field, InputType, Int } from 'type-graphql';

@InputType({ description: 'One option that tells a variant apart, e.g. size = M.' })
export class VariantOptionInput {
  @Field({ description: 'What varies, e.g. "size"; 1 to 40 characters, unique within the variant.' })
  name!: string;

  @Field({ description: 'The value, e.g. "M"; 1 to 100 characters.' })
  value!: string;
}

@InputType({ description: 'A buyable form of a product.' })
export class ProductVariantInput {
  @Field({ description: 'Stock-keeping unit, unique across the shop: letters, digits, ".", "_" and "-", up to 64.' })
  sku!: string;

  @Field(() => [VariantOptionInput], { defaultValue: [], description: 'The options that set it apart from its siblings.' })
  options!: VariantOptionInput[];

  @Field(() => Int, { description: `Unit price in the product's currency's minor units, 0 to ${MAX_UNIT_PRICE}.` })
  price!: number;
}

@InputType({ description: 'Changes to a variant; omitted fields stay as they are.' })
export class UpdateProductVariantInput {
  @Field(() => String, { nullable: true, description: 'New SKU, unique across the shop.' })
  sku?: string | null;

  @Field(() => [VariantOptionInput], { nullable: true, description: 'New options, replacing the old ones.' })
  options?: VariantOptionInput[] | null;

  @Field(() => Int, { nullable: true, description: `New unit price in minor units, 0 to ${MAX_UNIT_PRICE}.` })
  price?: number | null;
}
