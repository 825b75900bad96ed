import { entityByIdLoader, type SubgraphContext } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CouponTemplate } from './coupon-template/coupon-template.entity.js';
import type { CouponsServices } from './services.js';

export function createCouponsLoaders(em: EntityManager) {
  return {
    couponTemplateById: entityByIdLoader(em, CouponTemplate),
  };
}

export type CouponsLoaders = ReturnType<typeof createCouponsLoaders>;
export type CouponsContext = SubgraphContext<CouponsLoaders, CouponsServices>;
