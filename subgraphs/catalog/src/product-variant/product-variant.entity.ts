import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '@commerce/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Product } from '../product/product.entity.js';
import { VariantOption } from './variant-option.type.js';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'One buyable form of a product (a size, a colour…) with its own SKU and price.' })
@Entity({ tableName: 'product_variant' })
@Check({ name: 'product_variant_price_amount_check', expression: 'price_amount >= 0' })
@Check({ name: 'product_variant_currency_check', expression: `currency ~ '^[A-Z]{3}$'` })
@Check({ name: 'product_variant_position_check', expression: 'position >= 0' })
@Check({ name: 'product_variant_sku_check', expression: `length(btrim(sku)) > 0` })
@Check({ name: 'product_variant_options_check', expression: `jsonb_typeof(options) = 'array'` })
@Index({ name: 'product_variant_product_id_position_index', properties: ['product', 'position'] })
export class ProductVariant {
  [OptionalProps]?: 'options' | 'position' | 'inStock' | 'createdAt';

  @Field(() => ID, { description: 'Opaque variant ID.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Product, { deleteRule: 'cascade' })
  product!: Product;

  @Field({ description: 'Stock-keeping unit, unique across the shop.' })
  @Property({ type: 'text' })
  @Unique()
  sku!: string;

  @Field(() => [VariantOption], { description: 'The options that set this variant apart, e.g. size = M.' })
  @Property({ type: 'jsonb', defaultRaw: `'[]'` })
  options: VariantOption[] = [];

  /** Integer minor units (KRW has none), never a float; exposed with `currency` as `price: Money`. */
  @Property({ type: 'integer' })
  priceAmount!: number;

  @Property({ type: 'text' })
  currency!: string;

  /** Display order among the product's variants (S before M before L), which ids cannot give. */
  @Property({ type: 'integer', default: 0 })
  position: number = 0;

  /**
   * Catalog cannot read inventory's tables, so inventory pushes this flag (setVariantAvailability).
   * False until inventory has counted the variant: offering what nobody has counted is the worse mistake.
   */
  @Field({ description: 'Whether the variant can be bought now, as inventory last reported.' })
  @Property({ type: 'boolean', default: false })
  inStock: boolean = false;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
