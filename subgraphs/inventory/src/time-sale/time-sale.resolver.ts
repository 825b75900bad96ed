
import { Arg, Args, ArgsType, Authorized, Ctx, Directive, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { InventoryContext } from '../context.js';
import { ProductVariant } from '../product-variant/product-variant.type.js';
import { TimeSale } from './time-sale.entity.js';
import {
  cancelTimeSale,
  claimForCheckout,
  claimTimeSale,
  consumeClaim,
  createTimeSale,
  findTimeSale,
  listTimeSales,
  reconcile,
  releaseClaim,
  remainingOf,
  saleOfClaim,
  statusOf,
} from './time-sale.service.js';
import { TimeSaleStatus } from './time-sale-status.js';
import {
  CheckoutClaim,
  ClaimTimeSaleResult,
  CreateTimeSaleInput,
  CreateTimeSaleResult,
  TimeSaleClaim,
  TimeSaleReconciliation,
} from './time-sale.types.js';
import { ConnectionType } from '@commerce/kit';

const TimeSaleConnection = ConnectionType('TimeSale', TimeSale);

@ArgsType()
class TimeSalesArgs {
  @Field(() => Int, { nullable: true, description: 'How many sales to return (1 to 100, default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor after which to continue (endCursor of the previous page).' })
  after?: string | null;
}

@Resolver(() => TimeSale)
export class TimeSaleResolver {
  @Query(() => TimeSale, { description: 'One time-sale by id.' })
  timeSale(
    @Arg('id', () => ID, { description: 'The time-sale ID.' }) id: string,
    @Ctx() context: InventoryContext,
  ): Promise<TimeSale> {
    return findTimeSale(context, id);
  }

  @Query(() => TimeSaleConnection, { description: 'Time-sales, oldest first.' })
  timeSales(@Args(() => TimeSalesArgs) args: TimeSalesArgs, @Ctx() context: InventoryContext) {
    return listTimeSales(context, args);
  }

  @Authorized()
  @Mutation(() => CreateTimeSaleResult, {
    description: "Creates a time-sale of a variant (its store's owner or an admin); the units are set aside from its stock at once.",
  })
  createTimeSale(
    @Arg('input', () => CreateTimeSaleInput, { description: 'The variant, price, units, window and per-member limit.' }) input: CreateTimeSaleInput,
    @Ctx() context: InventoryContext,
  ) {
    return createTimeSale(context, input);
  }

  @Authorized()
  @Mutation(() => TimeSale, { description: 'Withdraws a time-sale (its store owner or an admin); held claims may still check out.' })
  cancelTimeSale(@Arg('id', () => ID, { description: 'The time-sale ID.' }) id: string, @Ctx() context: InventoryContext) {
    return cancelTimeSale(context, id);
  }

  @Authorized()
  @Mutation(() => ClaimTimeSaleResult, {
    description: 'Holds units of a running time-sale for the calling member until checkout or expiry. Idempotent per member and key.',
  })
  claimTimeSale(
    @Arg('saleId', () => ID, { description: 'The time-sale.' }) saleId: string,
    @Arg('quantity', () => Int, { description: 'Units to hold (1 to 100, within the per-member limit).' }) quantity: number,
    @Arg('idempotencyKey', { description: 'Chosen by the client; a retry with the same key answers with the first claim.' }) idempotencyKey: string,
    @Ctx() context: InventoryContext,
  ) {
    return claimTimeSale(context, { saleId, quantity, idempotencyKey });
  }

  @Authorized('ADMIN')
  @Query(() => TimeSaleReconciliation, { description: "Compares a sale's Redis state with PostgreSQL (admin)." })
  timeSaleReconciliation(@Arg('saleId', () => ID, { description: 'The time-sale.' }) saleId: string, @Ctx() context: InventoryContext) {
    return reconcile(context, saleId);
  }

  @Directive('@inaccessible')
  @Authorized('SERVICE')
  @Query(() => CheckoutClaim, { nullable: true, description: 'A time-sale claim as checkout needs it (internal, orders); null if unknown.' })
  timeSaleClaimForCheckout(@Arg('claimId', () => ID, { description: 'The claim.' }) claimId: string, @Ctx() context: InventoryContext) {
    return claimForCheckout(context, claimId);
  }

  @Directive('@inaccessible')
  @Authorized('SERVICE')
  @Mutation(() => Boolean, {
    description: 'Sells a held claim to an order (internal, orders). True if consumed by this orderKey, now or before; false otherwise.',
  })
  consumeTimeSaleClaim(
    @Arg('claimId', () => ID, { description: 'The claim.' }) claimId: string,
    @Arg('orderKey', { description: 'The order taking the claim; repeating it is idempotent.' }) orderKey: string,
    @Ctx() context: InventoryContext,
  ) {
    return consumeClaim(context, claimId, orderKey);
  }

  @Directive('@inaccessible')
  @Authorized('SERVICE')
  @Mutation(() => Boolean, {
    description: "Gives a held claim's units back to the sale (internal, orders). True when they are back; false if consumed or unknown.",
  })
  releaseTimeSaleClaim(@Arg('claimId', () => ID, { description: 'The claim.' }) claimId: string, @Ctx() context: InventoryContext) {
    return releaseClaim(context, claimId);
  }

  // Nullable, as a listing of sales must not go blank for one whose product the seller deleted later.
  @FieldResolver(() => ProductVariant, { nullable: true, description: 'The variant on sale; null once its seller deleted it from the catalog.' })
  variant(@Root() sale: TimeSale): ProductVariant {
    return { id: sale.variantId };
  }

  @FieldResolver(() => Int, { description: 'Units not claimed yet, live from the claim engine.' })
  remaining(@Root() sale: TimeSale, @Ctx() context: InventoryContext): Promise<number> {
    return remainingOf(context, sale);
  }

  @FieldResolver(() => TimeSaleStatus, { description: 'Scheduled, active, paused, ended or cancelled, by the server clock.' })
  status(@Root() sale: TimeSale, @Ctx() context: InventoryContext): Promise<TimeSaleStatus> {
    return statusOf(context, sale);
  }
}

@Resolver(() => TimeSaleClaim)
export class TimeSaleClaimResolver {
  @FieldResolver(() => TimeSale, { description: 'The sale the units come from.' })
  sale(@Root() claim: TimeSaleClaim, @Ctx() context: InventoryContext): Promise<TimeSale> {
    return saleOfClaim(context, claim.saleId);
  }
}

