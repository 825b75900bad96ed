import { ErrorResult, SOLD_OUT_MESSAGE } from '@commerce/kit';
import { createUnionType, Directive, Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ProductVariant } from '../product-variant/product-variant.type.js';
import { TimeSale } from './time-sale.entity.js';
import { TimeSaleStatus } from './time-sale-status.js';

@InputType({ description: 'A new time-sale of one variant.' })
export class CreateTimeSaleInput {
  @Field(() => ID, { description: 'The variant to sell; the caller must own its store (or be an admin).' })
  variantId!: string;

  @Field(() => Int, { description: "Sale price of one unit, in the currency's minor units." })
  price!: number;

  @Field({ defaultValue: 'KRW', description: "ISO 4217 code of the price; must be the variant's currency (default KRW)." })
  currency!: string;

  @Field(() => Int, { description: "Units offered; set aside from the variant's available stock at once." })
  quantity!: number;

  @Field(() => GraphQLISODateTime, { description: 'When claims open.' })
  startsAt!: Date;

  @Field(() => GraphQLISODateTime, { description: 'When claims close (exclusive).' })
  endsAt!: Date;

  @Field(() => Int, { description: 'The most units one member may hold or buy in this sale.' })
  perMemberLimit!: number;
}

@ObjectType({ implements: ErrorResult, description: "The variant has fewer available units than the sale wants to set aside." })
export class InsufficientStock extends ErrorResult {
  @Field(() => Int, { description: 'Units the sale asked for.' })
  requested!: number;

  @Field(() => Int, { description: 'Units available when it was refused.' })
  available!: number;

  static of(requested: number, available: number): InsufficientStock {
    return Object.assign(new InsufficientStock(), {
      code: 'INSUFFICIENT_STOCK',
      message: `The sale wants ${requested} units but only ${available} are available.`,
      requested,
      available,
    });
  }
}

export const CreateTimeSaleResult = createUnionType({
  name: 'CreateTimeSaleResult',
  description: 'The new time-sale, or why it could not be created.',
  types: () => [TimeSale, InsufficientStock] as const,
});

@ObjectType({ description: 'Units of a time-sale held for a member until checkout or until the hold expires.' })
export class TimeSaleClaim {
  @Field(() => ID, { description: 'Opaque claim ID; pass it to checkout as timeSaleClaimId.' })
  id!: string;

  /** Resolved to `sale` by the resolver. */
  saleId!: string;

  @Field(() => Int, { description: 'Units held.' })
  quantity!: number;

  @Field({ description: 'When the hold ends: an unpaid claim then gives its units back to the sale.' })
  expiresAt!: Date;
}

function errorResult<T extends ErrorResult>(type: new () => T, code: string, message: string, extra: Partial<T> = {}): T {
  return Object.assign(new type(), { code, message, ...extra });
}

@ObjectType({ implements: ErrorResult, description: 'Fewer units remain than were asked for.' })
export class SoldOut extends ErrorResult {
  @Field(() => Int, { description: 'Units still remaining in the sale.' })
  remaining!: number;

  static of(remaining: number) {
    return errorResult(SoldOut, 'SOLD_OUT', remaining === 0 ? SOLD_OUT_MESSAGE : `Only ${remaining} units remain.`, { remaining });
  }
}

@ObjectType({ implements: ErrorResult, description: 'The sale has not opened yet.' })
export class NotStarted extends ErrorResult {
  @Field({ description: 'When claims open.' })
  startsAt!: Date;

  static of(startsAt: Date) {
    return errorResult(NotStarted, 'NOT_STARTED', `The sale opens at ${startsAt.toISOString()}.`, { startsAt });
  }
}

@ObjectType({ implements: ErrorResult, description: 'The sale is over (its window closed, or it was cancelled).' })
export class Ended extends ErrorResult {
  static of() {
    return errorResult(Ended, 'ENDED', 'The sale has ended.');
  }
}

@ObjectType({ implements: ErrorResult, description: 'The claim would take the member above the per-member limit.' })
export class LimitExceeded extends ErrorResult {
  @Field(() => Int, { description: 'Units the member already holds or bought in this sale.' })
  held!: number;

  @Field(() => Int, { description: 'The per-member limit.' })
  limit!: number;

  static of(held: number, limit: number) {
    return errorResult(LimitExceeded, 'LIMIT_EXCEEDED', `You already have ${held} of at most ${limit} units.`, { held, limit });
  }
}

@ObjectType({ implements: ErrorResult, description: 'Claims are paused while the sale is being restored; retry shortly.' })
export class SalePaused extends ErrorResult {
  static of() {
    return errorResult(SalePaused, 'SALE_PAUSED', 'Claims are paused for a moment; try again shortly.');
  }
}

export const ClaimTimeSaleResult = createUnionType({
  name: 'ClaimTimeSaleResult',
  description: 'The held units, or why none were held.',
  types: () => [TimeSaleClaim, SoldOut, NotStarted, Ended, LimitExceeded, SalePaused] as const,
});

@Directive('@inaccessible')
@ObjectType({ description: 'A claim as the order saga needs it at checkout (internal).' })
export class CheckoutClaim {
  @Field(() => ID, { description: 'The claim.' })
  claimId!: string;

  @Field(() => ID, { description: 'Its sale.' })
  saleId!: string;

  @Field(() => ID, { description: 'The member who holds it.' })
  memberId!: string;

  @Field(() => ID, { description: 'The variant on sale.' })
  variantId!: string;

  @Field(() => Int, { description: 'Units held.' })
  quantity!: number;

  @Field(() => Int, { description: 'Sale price of one unit, in minor units.' })
  unitPrice!: number;

  @Field({ description: 'Currency of unitPrice.' })
  currency!: string;

  @Field(() => GraphQLISODateTime, { description: 'When the hold ends.' })
  expiresAt!: Date;

  @Field({ description: 'HELD, CONSUMED, EXPIRED or RELEASED (a HELD claim past expiresAt reads EXPIRED).' })
  status!: string;
}

/** A change of a sale's counts, pushed to `timeSaleChanged` subscribers. */
@ObjectType({ description: "A time-sale's counts right after a claim, release, expiry or cancellation." })
export class TimeSaleEvent {
  @Field(() => ID, { description: 'The sale.' })
  id!: string;

  @Field(() => Int, { description: 'Units offered.' })
  quantity!: number;

  @Field(() => Int, { description: 'Units not claimed after the change.' })
  remaining!: number;

  @Field(() => TimeSaleStatus, { description: 'The sale status after the change.' })
  status!: TimeSaleStatus;

  @Field({ description: 'When the change happened (Redis server time).' })
  at!: Date;

  // Nullable: withdrawing the sale of a deleted product publishes an event whose variant the catalog no longer has.
  @Field(() => ProductVariant, { nullable: true, description: 'The variant on sale; null once its seller deleted it from the catalog.' })
  variant!: ProductVariant;
}

@ObjectType({ description: 'Redis and PostgreSQL compared for one sale (admin).' })
export class TimeSaleReconciliation {
  @Field(() => ID, { description: 'The sale.' })
  saleId!: string;

  @Field(() => Int, { nullable: true, description: 'Remaining units per Redis; null when Redis holds no state.' })
  redisRemaining!: number | null;

  @Field(() => Int, { description: 'Remaining units per PostgreSQL (quantity minus held and consumed claims).' })
  postgresRemaining!: number;

  @Field(() => Int, { description: 'Stream entries not yet written to PostgreSQL; drift is only judged at 0.' })
  backlog!: number;

  @Field({ description: 'Whether every claim was compared; false while claims were in flight (stream entries waiting, or a claim changed during the comparison): ask again.' })
  claimsCompared!: boolean;

  @Field(() => [String], { description: 'Every disagreement found (claims: the first 100, then a count); empty when both agree.' })
  drift!: string[];
}
