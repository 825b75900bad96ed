import { isUuid, requireMember } from '@commerce/kit';
import { Arg, Args, ArgsType, Authorized, Ctx, Directive, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { claimCoupon, redeemCouponCode } from '../claim/claim.service.js';
import type { CouponsContext } from '../context.js';
import { CouponTemplate } from '../coupon-template/coupon-template.entity.js';
import { getCouponTemplate } from '../coupon-template/coupon-template.service.js';
import { confirmCouponReservation, releaseCouponReservation, reserveCoupon, restoreCoupon } from '../reservation/reservation.service.js';
import { CouponLineInput } from './coupon-line.input.js';
import { ClaimCouponResult, CouponQuoteResult, RedeemCouponCodeResult, ReserveCouponResult } from './coupon.results.js';
import { IssuedCouponStatus } from './issued-coupon-status.js';
import { IssuedCoupon } from './issued-coupon.entity.js';
import { couponQuote, effectiveStatus, myCoupons } from './issued-coupon.service.js';

const lines = () => Arg('lines', () => [CouponLineInput], { description: 'The cart lines to price the coupon against.' });
const orderKey = () => Arg('orderKey', { description: 'The order (saga) the coupon is held for; its idempotency key.' });

@ArgsType()
class ReserveCouponArgs {
  @Field(() => ID, { description: 'The coupon to hold.' })
  issuedCouponId!: string;

  @Field(() => ID, { description: 'The buyer; must hold the coupon.' })
  memberId!: string;

  @Field({ description: 'The order; reserving again with it returns the first answer.' })
  orderKey!: string;

  @Field(() => [CouponLineInput], { description: 'The order lines the discount is computed on.' })
  lines!: CouponLineInput[];
}

@Resolver(() => IssuedCoupon)
export class IssuedCouponResolver {
  @Authorized()
  @Mutation(() => ClaimCouponResult, {
    description: 'Claims a first-come coupon (a template without a code). Repeating the idempotency key returns the first answer.',
  })
  claimCoupon(
    @Arg('templateId', () => ID, { description: 'The coupon template.' }) templateId: string,
    @Arg('idempotencyKey', { description: 'A key of the client\'s choosing, 1 to 100 characters; a retry with it returns the first answer.' })
    idempotencyKey: string,
    @Ctx() context: CouponsContext,
  ) {
    return claimCoupon(context.em, context.services, requireMember(context).memberId, templateId, idempotencyKey);
  }

  @Authorized()
  @Mutation(() => RedeemCouponCodeResult, { description: "Redeems a coupon code (any letter case) for one coupon, within the template's limits." })
  redeemCouponCode(@Arg('code', { description: 'The code.' }) code: string, @Ctx() context: CouponsContext) {
    return redeemCouponCode(context.em, context.services, requireMember(context).memberId, code);
  }

  @Authorized()
  @Query(() => [IssuedCoupon], { description: "The calling member's coupons, newest first (up to 500), optionally of one status." })
  myCoupons(
    @Arg('status', () => IssuedCouponStatus, { nullable: true, description: 'Only coupons in this status.' }) status: IssuedCouponStatus | null,
    @Ctx() context: CouponsContext,
  ) {
    return myCoupons(context.em, requireMember(context).memberId, status ?? null);
  }

  @Authorized()
  @Query(() => CouponQuoteResult, {
    description:
      "The discount one of the caller's coupons would give on these lines; nothing is held. Lines are passed in because carts live in the orders subgraph.",
  })
  couponQuote(
    @Arg('issuedCouponId', () => ID, { description: 'The coupon.' }) issuedCouponId: string,
    @lines() input: CouponLineInput[],
    @Ctx() context: CouponsContext,
  ) {
    return couponQuote(context.em, (id) => context.services.templates.get(context.em, id), requireMember(context).memberId, issuedCouponId, input);
  }

  @Authorized('SERVICE')
  @Directive('@inaccessible')
  @Mutation(() => ReserveCouponResult, { description: 'Internal (order saga): holds the coupon for an order at the discount the lines earn. Idempotent per orderKey.' })
  async reserveCoupon(@Args() args: ReserveCouponArgs, @Ctx() { em, services }: CouponsContext) {
    // A coupon claimed a moment ago may still be on its way from the Redis stream to PostgreSQL: write the stream
    // through first, so a checkout right after a claim finds it.
    if (isUuid(args.issuedCouponId) && (await em.count(IssuedCoupon, { id: args.issuedCouponId.toLowerCase() })) === 0) {
      await services.persister?.drain();
    }
    return reserveCoupon(em, args.issuedCouponId, args.memberId, args.orderKey, args.lines);
  }

  @Authorized('SERVICE')
  @Directive('@inaccessible')
  @Mutation(() => Boolean, { description: 'Internal (order saga): the order went through; RESERVED → USED. Idempotent; false when nothing is held.' })
  confirmCouponReservation(@orderKey() key: string, @Ctx() { em }: CouponsContext) {
    return confirmCouponReservation(em, key);
  }

  @Authorized('SERVICE')
  @Directive('@inaccessible')
  @Mutation(() => Boolean, { description: 'Internal (order saga): the order failed; RESERVED → AVAILABLE. False when nothing was held.' })
  releaseCouponReservation(@orderKey() key: string, @Ctx() { em }: CouponsContext) {
    return releaseCouponReservation(em, key);
  }

  @Authorized('SERVICE')
  @Directive('@inaccessible')
  @Mutation(() => Boolean, {
    description:
      'Internal (order cancellation/refund): a paid order gave its coupon back; USED → AVAILABLE, or EXPIRED when past its expiry. True when this call restored it; a repeat changes nothing and answers false.',
  })
  restoreCoupon(@orderKey() key: string, @Ctx() { em }: CouponsContext) {
    return restoreCoupon(em, key);
  }

  @FieldResolver(() => CouponTemplate, { description: 'The terms of the coupon.' })
  template(@Root() coupon: IssuedCoupon, @Ctx() { loaders }: CouponsContext) {
    return getCouponTemplate(loaders, coupon.templateId);
  }

  @FieldResolver(() => IssuedCouponStatus, { description: 'Where the coupon stands; one past its expiry shows EXPIRED.' })
  status(@Root() coupon: IssuedCoupon): IssuedCouponStatus {
    return effectiveStatus(coupon);
  }
}
