import { createApp as createCatalog } from '@commerce/catalog';
import { createApp as createCoupons } from '@commerce/coupons';
import { createApp as createInventory } from '@commerce/inventory';
import type { SubgraphApp, SubgraphConfig } from '@commerce/kit';
import { createApp as createMembers } from '@commerce/members';
import { createApp as createOrders } from '@commerce/orders';
import { createTestEnvironment, type TestEnvironment } from '@commerce/testkit';
import { createGatewayApp, type GatewayApp } from '../src/app.js';
import { readGatewayConfig } from '../src/config.js';

const factories: Record<string, (config: SubgraphConfig) => Promise<SubgraphApp>> = {
  members: createMembers,
  catalog: createCatalog,
  inventory: createInventory,
  orders: createOrders,
  coupons: createCoupons,
};

export interface RunningSupergraph {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  subgraphs: Record<string, SubgraphApp>;
  gateway: GatewayApp;
  env: TestEnvironment;
  close(): Promise<void>;
}

/**
 * Boots the five real subgraphs on free ports (one test database, a schema each, demo data loaded) and the
 * gateway in front of them, serving the committed supergraph with the subgraph URLs overridden.
 */
export async function startSupergraph(label: string, gatewayEnv: Record<string, string> = {}): Promise<RunningSupergraph> {
  const env = await createTestEnvironment(label, { SEED_DEMO: true });
  const subgraphs: Record<string, SubgraphApp> = {};
  const subgraphUrls: Record<string, string> = {};
  for (const [name, create] of Object.entries(factories)) {
    subgraphs[name] = await create(env.config);
    subgraphUrls[name] = await subgraphs[name].listen(0);
  }
  const gateway = await createGatewayApp(
    readGatewayConfig({
      NODE_ENV: 'test',
      ...Object.fromEntries(Object.entries(subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url])),
      ...gatewayEnv,
    }),
  );
  const gatewayUrl = await gateway.listen(0);
  return {
    gatewayUrl,
    subgraphUrls,
    subgraphs,
    gateway,
    env,
    async close() {
      await gateway.close();
      await Promise.all(Object.values(subgraphs).map((app) => app.close()));
      await env.dispose();
    },
  };
}
