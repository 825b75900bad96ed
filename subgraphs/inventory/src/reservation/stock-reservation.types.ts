import { ErrorResult } from '@commerce/kit';
import { createUnionType, Directive, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ProductVariant } from '../product-variant/product-variant.type.js';
import { StockReservationStatus } from './stock-reservation-status.js';

@Directive('@inaccessible')
@InputType({ description: 'Units of one variant to reserve (internal).' })
export class StockLineInput {
  @Field(() => ID, { description: 'The variant.' })
  variantId!: string;

  @Field(() => Int, { description: 'Units, at least 1.' })
  quantity!: number;
}

// Output types stay accessible: a union cannot carry @inaccessible in type-graphql, and composition
// refuses an accessible union whose members are all inaccessible. Only the operations are hidden.
@ObjectType({ description: 'Units of one variant held by a reservation (internal).' })
export class ReservedStockLine {
  @Field(() => ProductVariant, { description: 'The variant.' })
  variant!: ProductVariant;

  @Field(() => Int, { description: 'Units held.' })
  quantity!: number;
}

@ObjectType('StockReservation', { description: "Units set aside for one order under the caller's key (internal, for the order saga)." })
export class StockReservationView {
  @Field({ description: "The caller's idempotency key." })
  key!: string;

  @Field(() => StockReservationStatus, { description: 'Where the reservation stands.' })
  status!: StockReservationStatus;

  @Field({ description: 'When a HELD reservation is released automatically.' })
  expiresAt!: Date;

  @Field(() => [ReservedStockLine], { description: 'What it holds.' })
  lines!: ReservedStockLine[];
}

@ObjectType({ implements: ErrorResult, description: 'A line could not be reserved; nothing was (internal).' })
export class OutOfStock extends ErrorResult {
  @Field(() => ProductVariant, { description: 'The first variant that had too few units.' })
  variant!: ProductVariant;

  @Field(() => Int, { description: 'Units asked for.' })
  requested!: number;

  @Field(() => Int, { description: 'Units available when it was refused.' })
  available!: number;

  static of(variantId: string, requested: number, available: number): OutOfStock {
    const result = new OutOfStock();
    result.code = 'OUT_OF_STOCK';
    result.message = `Only ${available} units of variant ${variantId} are available; ${requested} were asked for.`;
    result.variant = { id: variantId };
    result.requested = requested;
    result.available = available;
    return result;
  }
}

export const ReserveStockResult = createUnionType({
  name: 'ReserveStockResult',
  description: 'The reservation, or the line that was out of stock (internal).',
  types: () => [StockReservationView, OutOfStock] as const,
});
