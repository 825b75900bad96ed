import { Check, Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { ProductVariant } from '../product-variant/product-variant.entity.js';

/**
 * A time-sale price as inventory (which owns time-sales) reported it: it counts only inside
 * [startsAt, endsAt). Keyed by the sale, so inventory can resend or withdraw it idempotently.
 */
@Entity({ tableName: 'variant_sale_price' })
@Check({ name: 'variant_sale_price_price_amount_check', expression: 'price_amount >= 0' })
@Check({ name: 'variant_sale_price_window_check', expression: 'ends_at > starts_at' })
// Finding a variant's current or next windows reads by variant, skipping windows that already ended.
@Index({ name: 'variant_sale_price_variant_id_ends_at_index', properties: ['variant', 'endsAt'] })
export class VariantSalePrice {
  @PrimaryKey({ type: 'uuid' })
  saleId!: string;

  @ManyToOne(() => ProductVariant, { deleteRule: 'cascade' })
  variant!: ProductVariant;

  /** Minor units of the variant's currency. */
  @Property({ type: 'integer' })
  priceAmount!: number;

  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Property({ type: 'timestamptz' })
  endsAt!: Date;
}
