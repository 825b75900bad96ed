import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ProductVariant } from '../product-variant/product-variant.type.js';

/** One committed change of a variant's stock, as subscribers of `stockChanged` receive it. */
@ObjectType({ description: "A change of a variant's stock, pushed live to subscribers." })
export class StockEvent {
  @Field(() => ID, { description: 'The variant whose stock changed.' })
  variantId!: string;

  @Field(() => Int, { description: 'Units in stock after the change, including reserved ones.' })
  onHand!: number;

  @Field(() => Int, { description: 'Units reserved after the change.' })
  reserved!: number;

  @Field(() => Int, { description: 'Units that can still be sold after the change.' })
  available!: number;

  @Field({ description: 'When the change was committed.' })
  at!: Date;

  @Field(() => Int, { nullable: true, description: "Units left in the variant's time-sale when a claim, release or expiry caused the event; null otherwise." })
  timeSaleRemaining!: number | null;

  // Nullable: units of a deleted product may still move (a sale's settlement, an expired claim).
  @Field(() => ProductVariant, { nullable: true, description: 'The variant, with fields from every subgraph; null once its seller deleted it from the catalog.' })
  variant!: ProductVariant;
}
