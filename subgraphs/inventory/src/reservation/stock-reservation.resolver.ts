import { Arg, Authorized, Ctx, Directive, Int, Mutation, Resolver } from 'type-graphql';
import type { InventoryContext } from '../context.js';
import { commitStockReservation, releaseStockReservation, reserveStock } from './stock-reservation.service.js';
import { type OutOfStock, ReserveStockResult, StockLineInput, type StockReservationView } from './stock-reservation.types.js';

/** Internal operations of the order saga: reserve, then commit or release, each idempotent by key. */
@Resolver()
export class StockReservationResolver {
  @Directive('@inaccessible')
  @Authorized('SERVICE')
  @Mutation(() => ReserveStockResult, {
    description: 'Sets units aside for every line or for none, until committed, released or expired (internal). Idempotent by key.',
  })
  reserveStock(
    @Arg('key', { description: "The caller's idempotency key, e.g. the order id." }) key: string,
    @Arg('lines', () => [StockLineInput], { description: 'Variants and units; each variant at most once.' }) lines: StockLineInput[],
    @Arg('ttlSeconds', () => Int, { nullable: true, description: 'Seconds until it expires (default 900).' }) ttlSeconds: number | null,
    @Ctx() context: InventoryContext,
  ): Promise<StockReservationView | OutOfStock> {
    return reserveStock(context, { key, lines, ttlSeconds });
  }

  @Directive('@inaccessible')
  @Authorized('SERVICE')
  @Mutation(() => Boolean, {
    description: 'Sells the held units (internal). True once committed; false if released, expired, refused or unknown. Idempotent.',
  })
  commitStockReservation(@Arg('key', { description: 'The reservation key.' }) key: string, @Ctx() context: InventoryContext): Promise<boolean> {
    return commitStockReservation(context, key);
  }

  @Directive('@inaccessible')
  @Authorized('SERVICE')
  @Mutation(() => Boolean, { description: 'Gives the held units back (internal). False only if already committed. Idempotent.' })
  releaseStockReservation(@Arg('key', { description: 'The reservation key.' }) key: string, @Ctx() context: InventoryContext): Promise<boolean> {
    return releaseStockReservation(context, key);
  }
}
