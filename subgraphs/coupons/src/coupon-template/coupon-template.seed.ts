import { DEMO_CURRENCY, demoCouponTemplates, demoId } from '@commerce/demo-data';
import type { EntityManager } from '@mikro-orm/postgresql';
import { normalizeCouponCode } from './coupon-code.js';
import { CouponKind } from './coupon-kind.js';
import { CouponScope } from './coupon-scope.js';
import { CouponTemplate } from './coupon-template.entity.js';

const WELCOME_TOTAL_LIMIT = 1_000;

/** Seeds the demo shop's coupon templates, valid from now for a year, when the subgraph has none. */
export async function seedCouponTemplates(em: EntityManager, now = new Date()): Promise<boolean> {
  if ((await em.count(CouponTemplate)) > 0) return false;
  const validTo = new Date(now);
  validTo.setUTCFullYear(validTo.getUTCFullYear() + 1);
  for (const demo of demoCouponTemplates) {
    em.create(CouponTemplate, {
      id: demoId(demo.key),
      name: demo.name,
      kind: CouponKind[demo.kind],
      value: demo.value,
      maxDiscountAmount: demo.maxDiscount,
      minOrderAmount: demo.minOrderAmount,
      currency: DEMO_CURRENCY,
      scope: CouponScope.ALL,
      validFrom: now,
      validTo,
      totalLimit: demo.key === 'coupon:welcome' ? WELCOME_TOTAL_LIMIT : null,
      code: demo.code === null ? null : normalizeCouponCode(demo.code),
    });
  }
  await em.flush();
  return true;
}
