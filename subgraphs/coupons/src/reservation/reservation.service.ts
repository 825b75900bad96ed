import { LockMode } from '@mikro-orm/core';
import { badUserInput, fail, isUuid, Money } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CouponTemplate } from '../coupon-template/coupon-template.entity.js';
import { calculateDiscount, type DiscountLine } from '../discount/discount.js';
import { CouponNotApplicable, CouponReservation } from '../issued-coupon/coupon.results.js';
import { IssuedCouponStatus } from '../issued-coupon/issued-coupon-status.js';
import { IssuedCoupon } from '../issued-coupon/issued-coupon.entity.js';
import { CURRENCY, outcomeReason, readLines, unusableReason } from '../issued-coupon/issued-coupon.service.js';

const MAX_ORDER_KEY = 200;

function checkOrderKey(orderKey: string) {
  if (orderKey.length < 1 || orderKey.length > MAX_ORDER_KEY) throw badUserInput(`orderKey must be 1 to ${MAX_ORDER_KEY} characters.`, 'orderKey');
}

const reservation = (orderKey: string, coupon: IssuedCoupon) =>
  Object.assign(new CouponReservation(), { orderKey, discount: Money.of(coupon.discountAmount!, CURRENCY), templateId: coupon.templateId });

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505' || /unique|duplicate key/i.test(String((error as Error).message));

/**
 * Holds the member's coupon for an order at the discount `lines` earn. The coupon row is locked
 * (`FOR UPDATE`) for the decision, so of two checkouts racing for one coupon the second sees it RESERVED
 * and is refused; the unique orderKey keeps one order to one coupon. Repeating an orderKey returns the first
 * answer (the reservation it made, at the discount it fixed).
 */
export async function reserveCoupon(em: EntityManager, issuedCouponId: string, memberId: string, orderKey: string, lines: DiscountLine[]) {
  checkOrderKey(orderKey);
  readLines(lines);
  for (let attempt = 0; ; attempt++) {
    try {
      return await em.transactional(async (tx) => {
        const held = await tx.findOne(IssuedCoupon, { orderKey }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (held) {
          return held.id === issuedCouponId.toLowerCase()
            ? reservation(orderKey, held)
            : fail(CouponNotApplicable, 'This order already holds another coupon.');
        }
        const coupon = isUuid(issuedCouponId) ? await tx.findOne(IssuedCoupon, { id: issuedCouponId.toLowerCase() }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
        // A concurrent request for the same order reserved it while we waited for the row lock: its answer is ours.
        if (coupon?.orderKey === orderKey && coupon.memberId === memberId.toLowerCase()) return reservation(orderKey, coupon);
        const template = coupon ? await tx.findOne(CouponTemplate, { id: coupon.templateId }) : null;
        const reason = unusableReason(coupon, memberId.toLowerCase(), template);
        if (reason) return fail(CouponNotApplicable, reason);
        const outcome = calculateDiscount(template!, lines);
        if (!outcome.applies) return fail(CouponNotApplicable, outcomeReason(outcome, template!));
        if (outcome.discount === 0) return fail(CouponNotApplicable, 'The coupon would take nothing off these lines.');
        coupon!.status = IssuedCouponStatus.RESERVED;
        coupon!.orderKey = orderKey;
        coupon!.discountAmount = outcome.discount;
        await tx.flush();
        return reservation(orderKey, coupon!);
      });
    } catch (error) {
      // Another request reserved for the same orderKey between our read and write: answer as it did.
      if (attempt === 0 && isUniqueViolation(error)) {
        em.clear();
        continue;
      }
      throw error;
    }
  }
}

/** RESERVED → USED. True also when it already was USED for this order (a repeat). False when nothing is held. */
export async function confirmCouponReservation(em: EntityManager, orderKey: string): Promise<boolean> {
  checkOrderKey(orderKey);
  const moved = await em.execute(
    `update "coupons"."issued_coupon" set "status" = 'USED', "used_at" = now() where "order_key" = ? and "status" = 'RESERVED'`,
    [orderKey],
    'run',
  );
  if (((moved as { affectedRows?: number }).affectedRows ?? 0) === 1) return true;
  // A separate statement, so it sees a concurrent confirm that the update above waited for (one statement's
  // snapshot would predate it and answer false for a repeat).
  const [used] = await em.execute(`select 1 from "coupons"."issued_coupon" where "order_key" = ? and "status" = 'USED'`, [orderKey]);
  return used !== undefined;
}

/** RESERVED → AVAILABLE. False when nothing is held for the order (never reserved, released already, or used). */
export async function releaseCouponReservation(em: EntityManager, orderKey: string): Promise<boolean> {
  checkOrderKey(orderKey);
  const result = await em.execute(
    `update "coupons"."issued_coupon" set "status" = 'AVAILABLE', "order_key" = null, "discount_amount" = null
     where "order_key" = ? and "status" = 'RESERVED'`,
    [orderKey],
    'run',
  );
  return ((result as { affectedRows?: number }).affectedRows ?? 0) === 1;
}

/**
 * USED → AVAILABLE (or EXPIRED when past its expiry): a paid order was cancelled or refunded, and the rules
 * give its coupon back. The order key is cleared with it (the table ties RESERVED/USED to an order), which is
 * what makes a repeat harmless: it finds nothing under the key, changes nothing and answers false, and can
 * never touch the coupon once a later order has reserved it again. A coupon still RESERVED is left alone:
 * `releaseCouponReservation` is for that.
 */
export async function restoreCoupon(em: EntityManager, orderKey: string): Promise<boolean> {
  checkOrderKey(orderKey);
  const result = await em.execute(
    `update "coupons"."issued_coupon"
        set "status" = case when "expires_at" is null or "expires_at" > now() then 'AVAILABLE' else 'EXPIRED' end,
            "order_key" = null, "discount_amount" = null, "used_at" = null
      where "order_key" = ? and "status" = 'USED'`,
    [orderKey],
    'run',
  );
  return ((result as { affectedRows?: number }).affectedRows ?? 0) === 1;
}
