import { createServiceClient, type ServiceClient, type SubgraphRuntime } from '@commerce/kit';
import type { CatalogConfig } from './config.js';
import { OutboxSignal } from './outbox/outbox-signal.js';
import { LowestPriceCache } from './pricing/lowest-price.cache.js';

/** What catalog holds for its whole life, built once per process. */
export interface CatalogServices {
  lowestPrices: LowestPriceCache;
  outbox: OutboxSignal;
  /** Calls other subgraphs' internal operations as the catalog service. */
  callSubgraph: ServiceClient;
}

export function createCatalogServices({ redis, config }: SubgraphRuntime<CatalogConfig>): CatalogServices {
  return {
    lowestPrices: new LowestPriceCache(redis),
    outbox: new OutboxSignal(),
    callSubgraph: createServiceClient({ service: 'catalog', secret: config.GATEWAY_SHARED_SECRET }),
  };
}
