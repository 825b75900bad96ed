import { Arg, Authorized, Ctx, Directive, Mutation, Resolver } from 'type-graphql';
import type { InventoryContext } from '../context.js';
import { returnStock } from './stock-return.service.js';
import { StockLineInput } from './stock-reservation.types.js';

/** Internal operation of order cancellations and refunds: sold units come back on hand, once per key. */
@Resolver()
export class StockReturnResolver {
  @Directive('@inaccessible')
  @Authorized('SERVICE')
  @Mutation(() => Boolean, {
    description: 'Puts sold units back on hand with a RETURN movement per line (internal). Idempotent by key: a repeat changes nothing and answers true.',
  })
  returnStock(
    @Arg('key', { description: "The caller's idempotency key, e.g. `return:<order id>`." }) key: string,
    @Arg('lines', () => [StockLineInput], { description: 'Variants and units coming back; each variant at most once.' }) lines: StockLineInput[],
    @Arg('reason', { description: 'Why the units came back, kept in the ledger.' }) reason: string,
    @Ctx() context: InventoryContext,
  ): Promise<boolean> {
    return returnStock(context, { key, lines, reason });
  }
}
