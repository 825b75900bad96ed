import { ErrorResult, Money } from '@commerce/kit';
import { createUnionType, Field, ID, ObjectType } from 'type-graphql';
import { IssuedCoupon } from './issued-coupon.entity.js';

@ObjectType({ implements: ErrorResult, description: 'No coupon template has this ID or code, or it cannot be taken this way.' })
export class CouponNotFound extends ErrorResult {
  override code = 'COUPON_NOT_FOUND';
}

@ObjectType({ implements: ErrorResult, description: 'The coupon cannot be taken yet: its validity window has not opened.' })
export class CouponNotStarted extends ErrorResult {
  override code = 'COUPON_NOT_STARTED';
}

@ObjectType({ implements: ErrorResult, description: 'The coupon can no longer be taken: its validity window has closed.' })
export class CouponExpired extends ErrorResult {
  override code = 'COUPON_EXPIRED';
}

@ObjectType({ implements: ErrorResult, description: 'Every coupon of the template has been issued.' })
export class CouponSoldOut extends ErrorResult {
  override code = 'COUPON_SOLD_OUT';
}

@ObjectType({ implements: ErrorResult, description: 'The member already holds as many coupons of the template as one member may.' })
export class AlreadyClaimed extends ErrorResult {
  override code = 'ALREADY_CLAIMED';
}

@ObjectType({
  implements: ErrorResult,
  description:
    'The coupon does not apply: not the member\'s, expired, used, reserved by another order, no line in scope, or below the minimum order amount.',
})
export class CouponNotApplicable extends ErrorResult {
  override code = 'COUPON_NOT_APPLICABLE';
}

const TAKE_TYPES = () => [IssuedCoupon, CouponNotFound, CouponNotStarted, CouponExpired, CouponSoldOut, AlreadyClaimed] as const;

export const ClaimCouponResult = createUnionType({
  name: 'ClaimCouponResult',
  description: 'The coupon the member got, or why not.',
  types: TAKE_TYPES,
});

export const RedeemCouponCodeResult = createUnionType({
  name: 'RedeemCouponCodeResult',
  description: 'The coupon the code gave the member, or why not.',
  types: TAKE_TYPES,
});

@ObjectType({ description: 'What a coupon would take off the given lines.' })
export class CouponQuote {
  @Field(() => Money, { description: 'The discount.' })
  discount!: Money;

  @Field(() => Money, { description: 'The total of the lines the coupon applies to.' })
  eligibleAmount!: Money;
}

export const CouponQuoteResult = createUnionType({
  name: 'CouponQuoteResult',
  description: 'The discount the coupon would give, or why it does not apply.',
  types: () => [CouponQuote, CouponNotApplicable] as const,
});

@ObjectType({ description: 'Internal (order saga): a coupon held for an order.' })
export class CouponReservation {
  @Field({ description: 'The order the coupon is held for.' })
  orderKey!: string;

  @Field(() => Money, { description: 'The discount the order gets, fixed at reservation.' })
  discount!: Money;

  @Field(() => ID, { description: 'The template of the coupon held: the order shows it as its coupon.' })
  templateId!: string;
}

export const ReserveCouponResult = createUnionType({
  name: 'ReserveCouponResult',
  description: 'Internal (order saga): the reservation, or why the coupon does not apply.',
  types: () => [CouponReservation, CouponNotApplicable] as const,
});
