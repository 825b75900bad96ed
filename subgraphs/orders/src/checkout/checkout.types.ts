import { ErrorResult } from '@commerce/kit';
import { createUnionType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Order } from '../order/order.entity.js';

@InputType({ description: 'What to check out: cart lines or a time-sale claim, with an optional coupon and points.' })
export class CheckoutInput {
  @Field(() => [ID], { nullable: true, description: 'Cart lines to buy (one store per order). Give these or timeSaleClaimId.' })
  cartLineIds?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'A held time-sale claim to buy at its sale price.' })
  timeSaleClaimId?: string | null;

  @Field(() => ID, { nullable: true, description: 'An issued coupon of the member to apply.' })
  couponId?: string | null;

  @Field(() => Int, { defaultValue: 0, description: 'Points to pay with (1 point = 1 KRW); never more than is due.' })
  pointsToUse!: number;

  @Field({ description: 'Payment method token for the provider, e.g. "card:visa-4242".' })
  paymentMethod!: string;

  @Field({ description: 'Unique per intended checkout: repeating it returns the first outcome and places nothing new.' })
  idempotencyKey!: string;
}

const errorResult = (name: string, description: string) => {
  @ObjectType(name, { implements: ErrorResult, description })
  class Result extends ErrorResult {}
  return Result;
};

export const CheckoutOutOfStock = errorResult('CheckoutOutOfStock', 'Code OUT_OF_STOCK: a line could not be reserved; nothing was bought.');
export const CheckoutCouponNotApplicable = errorResult('CheckoutCouponNotApplicable', 'Code COUPON_NOT_APPLICABLE: the coupon does not apply to these lines.');
export const CheckoutInsufficientPoints = errorResult('CheckoutInsufficientPoints', 'Code INSUFFICIENT_POINTS: the member has fewer points than asked.');
export const PaymentDeclined = errorResult('PaymentDeclined', 'Code PAYMENT_DECLINED: the payment provider refused.');
export const ClaimExpired = errorResult('ClaimExpired', 'Code CLAIM_EXPIRED: the time-sale claim is no longer held.');
export const CheckoutFailed = errorResult('CheckoutFailed', 'Code CHECKOUT_FAILED: a service failed; everything reserved was given back.');

export const FAILURE_TYPES = {
  OUT_OF_STOCK: CheckoutOutOfStock,
  COUPON_NOT_APPLICABLE: CheckoutCouponNotApplicable,
  INSUFFICIENT_POINTS: CheckoutInsufficientPoints,
  PAYMENT_DECLINED: PaymentDeclined,
  CLAIM_EXPIRED: ClaimExpired,
  CHECKOUT_FAILED: CheckoutFailed,
} as const;
export type FailureCode = keyof typeof FAILURE_TYPES;

export function failureResult(code: string, message: string): ErrorResult {
  const type = FAILURE_TYPES[code as FailureCode] ?? CheckoutFailed;
  return Object.assign(new type(), { code: code in FAILURE_TYPES ? code : 'CHECKOUT_FAILED', message });
}

export const CheckoutResult = createUnionType({
  name: 'CheckoutResult',
  description: 'The placed order, or why nothing was placed.',
  types: () =>
    [Order, CheckoutOutOfStock, CheckoutCouponNotApplicable, CheckoutInsufficientPoints, PaymentDeclined, ClaimExpired, CheckoutFailed] as const,
  resolveType: (value) => ('code' in value ? (FAILURE_TYPES[(value as ErrorResult).code as FailureCode] ?? CheckoutFailed) : Order),
});
