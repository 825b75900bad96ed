import { createSubgraphApp, logTo, type SubgraphConfig, type SubgraphDefinition } from '@commerce/kit';
import { startClaimPersister } from './claim/claim-persister.js';
import { couponsConfig, type CouponsConfig, type CouponsSettings } from './config.js';
import { createCouponsLoaders, type CouponsLoaders } from './context.js';
import { CouponTemplate } from './coupon-template/coupon-template.entity.js';
import { resolveCouponTemplateReference } from './coupon-template/coupon-template.reference.js';
import { CouponTemplateResolver } from './coupon-template/coupon-template.resolver.js';
import { seedCouponTemplates } from './coupon-template/coupon-template.seed.js';
import { CouponGrant, CouponGrantTarget } from './grant/coupon-grant.entity.js';
import { startGrantWorker } from './grant/grant-worker.js';
import { CouponGrantResolver } from './grant/grant.resolver.js';
import { IssuedCoupon } from './issued-coupon/issued-coupon.entity.js';
import { IssuedCouponResolver } from './issued-coupon/issued-coupon.resolver.js';
import { seedWelcomeCoupons } from './issued-coupon/issued-coupon.seed.js';
import { sweepExpiredCoupons } from './issued-coupon/issued-coupon.service.js';
import { migrations } from './migrations/index.js';
import { createCouponsServices, type CouponsServices } from './services.js';

export const couponsSubgraph: SubgraphDefinition<CouponsLoaders, CouponsServices, CouponsConfig> = {
  name: 'coupons',
  dbSchema: 'coupons',
  entities: [CouponTemplate, IssuedCoupon, CouponGrant, CouponGrantTarget],
  migrations,
  resolvers: [CouponTemplateResolver, IssuedCouponResolver, CouponGrantResolver],
  referenceResolvers: { CouponTemplate: resolveCouponTemplateReference },
  createLoaders: createCouponsLoaders,
  createServices: createCouponsServices,
  async start({ orm, redis, config, services, logger }) {
    const log = logTo(logger);
    const persister = startClaimPersister({ orm, redis, pollMs: config.COUPON_CLAIM_POLL_MS, staleMs: config.COUPON_CLAIM_STALE_MS, log });
    const grants = startGrantWorker({ orm, callSubgraph: services.callSubgraph, config, log });
    services.persister = persister;
    services.grants = grants;
    const sweep = () => sweepExpiredCoupons(orm.em.fork()).catch((error: Error) => log(`coupon sweep: ${error.message}`));
    const sweeper = setInterval(sweep, config.COUPON_SWEEP_INTERVAL_MS);
    return async () => {
      clearInterval(sweeper);
      services.persister = null;
      services.grants = null;
      await Promise.all([grants.stop(), persister.stop()]);
    };
  },
  async seedDemo(em) {
    const templates = await seedCouponTemplates(em);
    const coupons = await seedWelcomeCoupons(em);
    return templates || coupons;
  },
};

/** Boots the coupons subgraph; settings it does not get take their defaults (see config.ts). */
export function createApp(config: SubgraphConfig & Partial<CouponsSettings>) {
  return createSubgraphApp(couponsSubgraph, couponsConfig(config));
}
