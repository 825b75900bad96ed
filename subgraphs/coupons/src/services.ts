import { createServiceClient, type ServiceClient, type SubgraphRuntime } from '@commerce/kit';
import { ClaimStore } from './claim/claim-store.js';
import type { ClaimPersister } from './claim/claim-persister.js';
import type { CouponsConfig } from './config.js';
import { TemplateCache } from './coupon-template/template-cache.js';
import type { GrantWorker } from './grant/grant-worker.js';

/** What the coupons subgraph holds for its whole life; `persister` and `grants` exist once `start` ran. */
export interface CouponsServices {
  config: CouponsConfig;
  claims: ClaimStore;
  templates: TemplateCache;
  callSubgraph: ServiceClient;
  persister: ClaimPersister | null;
  grants: GrantWorker | null;
}

export function createCouponsServices({ redis, config }: SubgraphRuntime<CouponsConfig>): CouponsServices {
  return {
    config,
    claims: new ClaimStore(redis),
    templates: new TemplateCache(),
    callSubgraph: createServiceClient({ service: 'coupons', secret: config.GATEWAY_SHARED_SECRET }),
    persister: null,
    grants: null,
  };
}
