import { badUserInput, fail, isUuid, uuidv7 } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { normalizeCouponCode } from '../coupon-template/coupon-code.js';
import type { CouponTemplate } from '../coupon-template/coupon-template.entity.js';
import { IssuedCouponSource } from '../issued-coupon/issued-coupon-status.js';
import { IssuedCoupon } from '../issued-coupon/issued-coupon.entity.js';
import { AlreadyClaimed, CouponExpired, CouponNotFound, CouponNotStarted, CouponSoldOut } from '../issued-coupon/coupon.results.js';
import type { CouponsServices } from '../services.js';

const MAX_KEY_LENGTH = 100;

/**
 * The coupon as the member sees it right after taking it. Taking happens in Redis; the row reaches
 * PostgreSQL through the claim stream moments later, so a fresh claim is answered from the template.
 */
async function issuedView(em: EntityManager, template: CouponTemplate, memberId: string, couponId: string, source: IssuedCouponSource, repeat: boolean) {
  // A fresh claim cannot be in PostgreSQL yet; a repeat may be, and then shows its current status.
  const stored = repeat ? await em.findOne(IssuedCoupon, { id: couponId }) : null;
  if (stored) return stored;
  return Object.assign(new IssuedCoupon(), {
    id: couponId,
    templateId: template.id,
    memberId,
    source,
    expiresAt: template.validTo,
  });
}

async function take(
  em: EntityManager,
  services: CouponsServices,
  template: CouponTemplate,
  memberId: string,
  idempotencyKey: string,
  source: IssuedCouponSource.CLAIM | IssuedCouponSource.CODE,
) {
  const now = Date.now();
  // Decided before Redis too, so a long-ended template never has its counters rebuilt.
  if (template.validTo && now >= template.validTo.getTime()) return fail(CouponExpired, 'This coupon has ended.');
  const answer = await services.claims.claim(em, template, memberId, idempotencyKey, uuidv7(now), source, now);
  switch (answer.outcome) {
    case 'ISSUED':
    case 'REPEAT':
      return issuedView(em, template, memberId, answer.couponId, source, answer.outcome === 'REPEAT');
    case 'NOT_STARTED':
      return fail(CouponNotStarted, `This coupon can be taken from ${template.validFrom.toISOString()}.`);
    case 'EXPIRED':
      return fail(CouponExpired, 'This coupon has ended.');
    case 'SOLD_OUT':
      return fail(CouponSoldOut, 'Every coupon of this kind has been taken.');
    case 'ALREADY_CLAIMED':
      return fail(AlreadyClaimed, `You already hold ${template.perMemberLimit === 1 ? 'this coupon' : `${template.perMemberLimit} of these coupons`}.`);
  }
}

/**
 * First-come claim of a template without a code (a coded template must be redeemed with its code, or
 * knowing its ID would bypass the code). One Redis script decides; the same key returns the first answer.
 */
export async function claimCoupon(em: EntityManager, services: CouponsServices, memberId: string, templateId: string, idempotencyKey: string) {
  if (idempotencyKey.length < 1 || idempotencyKey.length > MAX_KEY_LENGTH) {
    throw badUserInput(`idempotencyKey must be 1 to ${MAX_KEY_LENGTH} characters.`, 'idempotencyKey');
  }
  const template = isUuid(templateId) ? await services.templates.get(em, templateId.toLowerCase()) : null;
  if (!template || template.code !== null) return fail(CouponNotFound, 'There is no coupon to claim with this ID.');
  return take(em, services, template, memberId, idempotencyKey, IssuedCouponSource.CLAIM);
}

/** Redeems a code: each call takes one more coupon, up to the template's per-member limit. */
export async function redeemCouponCode(em: EntityManager, services: CouponsServices, memberId: string, code: string) {
  const normalized = normalizeCouponCode(code);
  const template = normalized.length > 0 && normalized.length <= 64 ? await services.templates.getByCode(em, normalized) : null;
  if (!template) return fail(CouponNotFound, 'No coupon has this code.');
  return take(em, services, template, memberId, '', IssuedCouponSource.CODE);
}
