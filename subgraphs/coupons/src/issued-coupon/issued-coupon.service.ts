import { badUserInput, fail, isUuid, Money } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CouponTemplate } from '../coupon-template/coupon-template.entity.js';
import { calculateDiscount, checkLines, type DiscountLine, type DiscountOutcome } from '../discount/discount.js';
import { CouponNotApplicable, CouponQuote } from './coupon.results.js';
import { IssuedCouponStatus } from './issued-coupon-status.js';
import { IssuedCoupon } from './issued-coupon.entity.js';

export const CURRENCY = 'KRW';
const MAX_LIST = 500;

/** The status as of `now`: an AVAILABLE coupon past its expiry is EXPIRED even before the sweep marks it. */
export function effectiveStatus(coupon: IssuedCoupon, now = new Date()): IssuedCouponStatus {
  if (coupon.status === IssuedCouponStatus.AVAILABLE && coupon.expiresAt && coupon.expiresAt <= now) return IssuedCouponStatus.EXPIRED;
  return coupon.status;
}

/** A member's coupons, newest first, optionally of one (effective) status. */
export async function myCoupons(em: EntityManager, memberId: string, status: IssuedCouponStatus | null): Promise<IssuedCoupon[]> {
  const now = new Date();
  const live = { $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] };
  const where =
    status === null
      ? { memberId }
      : status === IssuedCouponStatus.AVAILABLE
        ? { memberId, status, ...live }
        : status === IssuedCouponStatus.EXPIRED
          ? { memberId, $or: [{ status }, { status: IssuedCouponStatus.AVAILABLE, expiresAt: { $lte: now } }] }
          : { memberId, status };
  return em.find(IssuedCoupon, where, { orderBy: { id: 'desc' }, limit: MAX_LIST });
}

export function readLines(lines: DiscountLine[]): DiscountLine[] {
  const problem = checkLines(lines);
  if (problem) throw badUserInput(problem, 'lines');
  return lines;
}

/** Why `coupon` cannot be used by `memberId` now, or null. Keeps one wording for quotes and reservations. */
export function unusableReason(coupon: IssuedCoupon | null, memberId: string, template: CouponTemplate | null, now = new Date()): string | null {
  if (!coupon || coupon.memberId !== memberId || !template) return 'You hold no such coupon.';
  const status = effectiveStatus(coupon, now);
  if (status === IssuedCouponStatus.EXPIRED) return 'The coupon has expired.';
  if (status === IssuedCouponStatus.USED) return 'The coupon has been used.';
  if (status === IssuedCouponStatus.RESERVED) return 'The coupon is held by another order.';
  if (template.validFrom > now) return 'The coupon does not apply yet.';
  return null;
}

export function outcomeReason(outcome: DiscountOutcome & { applies: false }, template: CouponTemplate): string {
  return outcome.reason === 'NO_ELIGIBLE_LINES'
    ? 'No line is in the coupon\'s scope.'
    : `The lines the coupon applies to come to ${outcome.eligibleSubtotal}, below the minimum of ${template.minOrderAmount}.`;
}

/** What the member's coupon would take off `lines`; nothing is held. */
export async function couponQuote(em: EntityManager, template: (id: string) => Promise<CouponTemplate | null>, memberId: string, issuedCouponId: string, lines: DiscountLine[]) {
  readLines(lines);
  const coupon = isUuid(issuedCouponId) ? await em.findOne(IssuedCoupon, { id: issuedCouponId.toLowerCase() }) : null;
  const terms = coupon ? await template(coupon.templateId) : null;
  const reason = unusableReason(coupon, memberId, terms);
  if (reason) return fail(CouponNotApplicable, reason);
  const outcome = calculateDiscount(terms!, lines);
  if (!outcome.applies) return fail(CouponNotApplicable, outcomeReason(outcome, terms!));
  return Object.assign(new CouponQuote(), { discount: Money.of(outcome.discount, CURRENCY), eligibleAmount: Money.of(outcome.eligibleSubtotal, CURRENCY) });
}

/**
 * Marks AVAILABLE coupons past their expiry EXPIRED, in batches that skip rows a reservation holds locked.
 * RESERVED ones are left to their order: a release after expiry makes them AVAILABLE and the next sweep expires them.
 */
export async function sweepExpiredCoupons(em: EntityManager, batch = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await em.execute(
      `update "coupons"."issued_coupon" set "status" = 'EXPIRED' where "id" in (
         select "id" from "coupons"."issued_coupon" where "status" = 'AVAILABLE' and "expires_at" <= now()
         limit ? for update skip locked)`,
      [batch],
      'run',
    );
    const changed = (result as { affectedRows?: number }).affectedRows ?? 0;
    total += changed;
    if (changed < batch) return total;
  }
}
