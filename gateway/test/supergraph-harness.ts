import { createApp as createCatalog } from '@commerce/catalog';
import { createApp as createCoupons } from '@commerce/coupons';
import { createApp as createInventory } from '@commerce/inventory';
import type { ObservabilityOptions, SubgraphApp, SubgraphConfig } from '@commerce/kit';
import { createApp as createMembers } from '@commerce/members';
import { createApp as createOrders } from '@commerce/orders';
import { createTestEnvironment, freePort, graphqlData, MailCatcher, TEST_GATEWAY_SECRET, type TestEnvironment } from '@commerce/testkit';
import { createGatewayApp, type GatewayApp } from '../src/app.js';
import { readGatewayConfig } from '../src/config.js';

/** The demo members' password (demo-data). */
export const DEMO_PASSWORD = 'demo-password-1';

const factories: Record<string, (config: SubgraphConfig & Record<string, unknown>) => Promise<SubgraphApp>> = {
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
  /** Every mail the subgraphs sent, caught by a real SMTP server. */
  mail: MailCatcher;
  env: TestEnvironment;
  /** A demo member's (or any member's) access token, logged in through the gateway. */
  logIn(email: string, password?: string): Promise<string>;
  /** Another gateway in front of the same subgraphs (and Redis), with `overrides` on top of this one's settings. */
  startGateway(overrides: Record<string, string>): Promise<{ url: string; app: GatewayApp }>;
  /** Stops one subgraph (its port then refuses connections), as a crash or a deploy would. */
  stopSubgraph(name: string): Promise<void>;
  /** Starts a stopped subgraph again on the same port, with the same settings and database. */
  restartSubgraph(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Boots the five real subgraphs on free ports (one test database, a schema each, demo data loaded) and the
 * gateway in front of them, serving the committed supergraph with the subgraph URLs overridden.
 */
export async function startSupergraph(
  label: string,
  gatewayEnv: Record<string, string> = {},
  subgraphSettings: Record<string, unknown> = {},
  gatewayOptions: ObservabilityOptions = {},
): Promise<RunningSupergraph> {
  const env = await createTestEnvironment(label, { SEED_DEMO: true });
  const mail = await new MailCatcher(await freePort()).start();
  // Ports are chosen first so each subgraph knows where the others are (they call each other's internal operations).
  const ports = Object.fromEntries(await Promise.all(Object.keys(factories).map(async (name) => [name, await freePort()] as const)));
  const subgraphUrls = Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, `http://127.0.0.1:${port}/graphql`]));
  const config = {
    ...env.config,
    MEMBERS_URL: subgraphUrls.members,
    CATALOG_URL: subgraphUrls.catalog,
    INVENTORY_URL: subgraphUrls.inventory,
    COUPONS_URL: subgraphUrls.coupons,
    ORDERS_URL: subgraphUrls.orders,
    OUTBOX_POLL_MS: 100,
    SMTP_URL: mail.url,
    PASSWORD_HASH_COST: 10,
    ...subgraphSettings,
  };
  const subgraphs: Record<string, SubgraphApp> = {};
  await Promise.all(
    Object.entries(factories).map(async ([name, create]) => {
      subgraphs[name] = await create(config);
      await subgraphs[name].listen(ports[name]!);
    }),
  );
  const extraGateways: GatewayApp[] = [];
  const stopped = new Set<string>();
  const gatewayConfig = (overrides: Record<string, string>) =>
    readGatewayConfig({
      NODE_ENV: 'test',
      GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
      REDIS_URL: env.config.REDIS_URL,
      REDIS_KEY_PREFIX: env.config.REDIS_KEY_PREFIX,
      // Every test client comes from 127.0.0.1 and the journeys sign up hundreds of members from it: the gateway's
      // rate limits are off unless a test turns them on (rate-limits.e2e.test.ts).
      RATE_LIMITS: 'off',
      ...Object.fromEntries(Object.entries(subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url])),
      ...gatewayEnv,
      ...overrides,
    });
  const gateway = await createGatewayApp(gatewayConfig({}), gatewayOptions);
  const gatewayUrl = await gateway.listen(0);
  return {
    gatewayUrl,
    subgraphUrls,
    subgraphs,
    gateway,
    mail,
    env,
    async logIn(email, password = DEMO_PASSWORD) {
      const data = await graphqlData(
        gatewayUrl,
        'mutation ($email: String!, $password: String!) { logIn(email: $email, password: $password) { __typename ... on Session { accessToken } } }',
        { email, password },
      );
      if (data.logIn.__typename !== 'Session') throw new Error(`log in failed: ${JSON.stringify(data.logIn)}`);
      return data.logIn.accessToken as string;
    },
    async startGateway(overrides) {
      const app = await createGatewayApp(gatewayConfig(overrides));
      extraGateways.push(app);
      return { url: await app.listen(0), app };
    },
    async stopSubgraph(name) {
      stopped.add(name);
      await subgraphs[name]!.close();
    },
    async restartSubgraph(name) {
      subgraphs[name] = await factories[name]!(config);
      await subgraphs[name].listen(ports[name]!);
      stopped.delete(name);
    },
    async close() {
      await Promise.all([gateway, ...extraGateways].map((app) => app.close()));
      await Promise.all(Object.entries(subgraphs).map(([name, app]) => (stopped.has(name) ? undefined : app.close())));
      await mail.stop();
      await env.dispose();
    },
  };
}
