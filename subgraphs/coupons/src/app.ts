import { createSubgraphApp, type SubgraphConfig, type SubgraphDefinition } from '@commerce/kit';
import { createCouponsLoaders, type CouponsLoaders } from './context.js';
import { CouponTemplate } from './coupon-template/coupon-template.entity.js';
import { resolveCouponTemplateReference } from './coupon-template/coupon-template.reference.js';
import { CouponTemplateResolver } from './coupon-template/coupon-template.resolver.js';
import { seedCouponTemplates } from './coupon-template/coupon-template.seed.js';
import { migrations } from './migrations/index.js';

export const couponsSubgraph: SubgraphDefinition<CouponsLoaders> = {
  name: 'coupons',
  dbSchema: 'coupons',
  entities: [CouponTemplate],
  migrations,
  resolvers: [CouponTemplateResolver],
  referenceResolvers: { CouponTemplate: resolveCouponTemplateReference },
  createLoaders: createCouponsLoaders,
  seedDemo: seedCouponTemplates,
};

export function createApp(config: SubgraphConfig) {
  return createSubgraphApp(couponsSubgraph, config);
}
