import { createApp as createInventory } from '@commerce/inventory';
import { demoId } from '@commerce/demo-data';
import { graphqlData, TEST_GATEWAY_SECRET } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayApp } from '../src/app.js';
import { readGatewayConfig } from '../src/config.js';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';
import { collect, wsClient } from './ws-client.js';

let supergraph: RunningSupergraph;
let minaToken: string;
let aliceToken: string;

const LINEN_SHIRT_L = demoId('variant:linen-shirt-l');
const MUG = demoId('variant:enamel-mug-white');
const MINA_ATELIER = demoId('store:mina-atelier');

const logIn = (email: string) => supergraph.logIn(email);

async function adjustStock(token: string, variantId: string, delta: number) {
  const data = await graphqlData(
    supergraph.gatewayUrl,
    `mutation ($v: ID!, $d: Int!) { adjustStock(variantId: $v, delta: $d, reason: "e2e") { __typename ... on StockLevel { available } } }`,
    { v: variantId, d: delta },
    { authorization: `Bearer ${token}` },
  );
  expect(data.adjustStock.__typename).toBe('StockLevel');
  return data.adjustStock.available as number;
}

const STOCK_WITH_CATALOG_FIELDS = /* GraphQL */ `
  subscription ($ids: [ID!]!) {
    stockChanged(variantIds: $ids) {
      variantId available onHand
      variant { sku product { name store { name } } }
    }
  }
`;

beforeAll(async () => {
  supergraph = await startSupergraph('live', { SUBSCRIPTION_COALESCE_MS: '100' });
  minaToken = await logIn('mina@demo.commerce');
  aliceToken = await logIn('alice@demo.commerce');
});
afterAll(() => supergraph?.close());

describe('live stock through the gateway', () => {
  it('pushes an adjustment with the fields catalog owns, resolved per event', async () => {
    const client = wsClient(supergraph.gatewayUrl);
    const stream = collect(client, STOCK_WITH_CATALOG_FIELDS, { ids: [MUG] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const available = await adjustStock(await logIn('joon@demo.commerce'), MUG, -3);
    const [event] = await stream.waitFor((events) => events.length >= 1);
    expect(event).toEqual({
      stockChanged: {
        variantId: MUG,
        available,
        onHand: available,
        variant: { sku: 'JG-EM-WHT', product: { name: 'Enamel Mug', store: { name: 'Joon Gear' } } },
      },
    });
    stream.stop();
    await client.dispose();
  });

  it('pushes a purchase: checkout through the gateway commits stock and every subscriber sees it with catalog fields', async () => {
    const client = wsClient(supergraph.gatewayUrl);
    const stream = collect(client, STOCK_WITH_CATALOG_FIELDS, { ids: [MUG] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const auth = { authorization: `Bearer ${aliceToken}` };
    const cart = await graphqlData(supergraph.gatewayUrl, `mutation ($v: ID!) { addToCart(variantId: $v, quantity: 2) { lines { id variant { id } } } }`, { v: MUG }, auth);
    const line = cart.addToCart.lines.find((entry: any) => entry.variant.id === MUG).id;
    const before = (await graphqlData(supergraph.gatewayUrl, `{ productVariant(id: "${MUG}") { stock { onHand } } }`)).productVariant.stock.onHand;
    const order = await graphqlData(
      supergraph.gatewayUrl,
      `mutation ($input: CheckoutInput!) { checkout(input: $input) { __typename ... on Order { status } } }`,
      { input: { cartLineIds: [line], paymentMethod: 'card:visa-4242', idempotencyKey: `e2e-${Date.now()}` } },
      auth,
    );
    expect(order.checkout).toEqual({ __typename: 'Order', status: 'PAID' });
    const events = await stream.waitFor((received) => received.some((event) => event.stockChanged.onHand === before - 2));
    expect(events.at(-1)!.stockChanged).toMatchObject({
      onHand: before - 2,
      variant: { sku: 'JG-EM-WHT', product: { name: 'Enamel Mug', store: { name: 'Joon Gear' } } },
    });
    stream.stop();
    await client.dispose();
  });

  it('serves identical subscriptions from one upstream subscription, and coalesces a burst to its final value', async () => {
    const clients = Array.from({ length: 6 }, () => wsClient(supergraph.gatewayUrl));
    const streams = clients.map((client) => collect(client, `subscription ($ids: [ID!]!) { stockChanged(variantIds: $ids) { available } }`, { ids: [LINEN_SHIRT_L] }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(supergraph.gateway.subscriptions.stats).toEqual({ upstreamSubscriptions: 1, subscribers: 6 });

    let final = 0;
    for (let i = 0; i < 15; i++) final = await adjustStock(minaToken, LINEN_SHIRT_L, 1);
    for (const stream of streams) {
      await stream.waitFor((events) => events.at(-1)?.stockChanged.available === final);
      expect(stream.events.length).toBeLessThan(15);
    }
    for (const stream of streams) stream.stop();
    await Promise.all(clients.map((client) => client.dispose()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(supergraph.gateway.subscriptions.stats.upstreamSubscriptions).toBe(0);
  });

  it("delivers a threshold crossing once, to the store's owner only", async () => {
    const owner = wsClient(supergraph.gatewayUrl, { authorization: `Bearer ${minaToken}` });
    const stranger = wsClient(supergraph.gatewayUrl, { authorization: `Bearer ${aliceToken}` });
    const query = `subscription ($s: ID!) { lowStockAlert(storeId: $s) { available threshold variant { id sku } } }`;
    const ownerAlerts = collect(owner, query, { s: MINA_ATELIER });
    const strangerAlerts = collect(stranger, query, { s: MINA_ATELIER });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const trousersS = demoId('variant:linen-trousers-s');
    const start = await graphqlData(supergraph.gatewayUrl, `{ productVariant(id: "${trousersS}") { stock { available lowStockThreshold } } }`);
    const { available, lowStockThreshold } = start.productVariant.stock;
    await adjustStock(minaToken, trousersS, -(available - lowStockThreshold + 1));
    await adjustStock(minaToken, trousersS, -1);

    await ownerAlerts.waitFor((events) => events.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ownerAlerts.events).toEqual([
      { lowStockAlert: { available: lowStockThreshold - 1, threshold: lowStockThreshold, variant: { id: trousersS, sku: 'MA-LT-S' } } },
    ]);
    expect(strangerAlerts.events).toEqual([]);
    expect(JSON.stringify(strangerAlerts.errors)).toContain('FORBIDDEN');
    ownerAlerts.stop();
    await Promise.all([owner.dispose(), stranger.dispose()]);
  });

  it('refuses a connection whose token is invalid', async () => {
    const client = wsClient(supergraph.gatewayUrl, { authorization: 'Bearer not-a-token' });
    const stream = collect(client, STOCK_WITH_CATALOG_FIELDS, { ids: [MUG] });
    await expect(stream.waitFor(() => false, 2_000)).rejects.toThrow(/4403|Forbidden/);
    await client.dispose();
  });
});

describe('limits', () => {
  it('refuses subscriptions past the per-connection limit, connections past the process limit, and queries over WebSocket', async () => {
    const overrides = Object.fromEntries(
      Object.entries(supergraph.subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url]),
    );
    const limited = await createGatewayApp(
      readGatewayConfig({
        NODE_ENV: 'test',
        GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
        REDIS_URL: supergraph.env.config.REDIS_URL,
        REDIS_KEY_PREFIX: supergraph.env.config.REDIS_KEY_PREFIX,
        MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
        MAX_WS_CONNECTIONS: '1',
        ...overrides,
      }),
    );
    const url = await limited.listen(0);
    try {
      const client = wsClient(url);
      const query = `subscription ($ids: [ID!]!) { stockChanged(variantIds: $ids) { available } }`;
      const streams = [MUG, LINEN_SHIRT_L, demoId('variant:camp-chair-olive')].map((id) => collect(client, query, { ids: [id] }));
      await streams[2]!.waitFor(() => false, 1_000).catch(() => {});
      expect(JSON.stringify(streams[2]!.errors)).toContain('SUBSCRIPTION_LIMIT');
      expect(streams[0]!.errors).toEqual([]);

      const overQuery = collect(client, '{ categories { slug } }');
      await overQuery.waitFor(() => false, 1_000).catch(() => {});
      expect(JSON.stringify(overQuery.errors)).toContain('BAD_REQUEST');

      const second = wsClient(url);
      const refused = collect(second, query, { ids: [MUG] });
      await refused.waitFor(() => false, 1_000).catch(() => {});
      expect(JSON.stringify(refused.errors)).toContain('1013');
      for (const stream of streams) stream.stop();
      await Promise.all([client.dispose(), second.dispose()]);
    } finally {
      await limited.close();
    }
  });
});

describe('two gateways and two inventory processes', () => {
  it('deliver every event to every subscriber', async () => {
    const secondInventory = await createInventory(supergraph.env.config);
    const secondInventoryUrl = await secondInventory.listen(0);
    const overrides = Object.fromEntries(
      Object.entries({ ...supergraph.subgraphUrls, inventory: secondInventoryUrl }).map(([name, url]) => [`${name.toUpperCase()}_URL`, url]),
    );
    const secondGateway = await createGatewayApp(
      readGatewayConfig({
        NODE_ENV: 'test',
        GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
        REDIS_URL: supergraph.env.config.REDIS_URL,
        REDIS_KEY_PREFIX: supergraph.env.config.REDIS_KEY_PREFIX,
        SUBSCRIPTION_COALESCE_MS: '0',
        ...overrides,
      }),
    );
    const secondGatewayUrl = await secondGateway.listen(0);
    try {
      const query = `subscription ($ids: [ID!]!) { stockChanged(variantIds: $ids) { available variant { sku } } }`;
      const clients = [wsClient(supergraph.gatewayUrl), wsClient(secondGatewayUrl)];
      const streams = clients.map((client) => collect(client, query, { ids: [MUG] }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Through the first gateway, which sends mutations to the first inventory process.
      const joon = await logIn('joon@demo.commerce');
      const available = await adjustStock(joon, MUG, 5);
      for (const stream of streams) {
        await stream.waitFor((events) => events.some((event) => event.stockChanged.available === available));
        expect(stream.events.at(-1)).toEqual({ stockChanged: { available, variant: { sku: 'JG-EM-WHT' } } });
      }
      for (const stream of streams) stream.stop();
      await Promise.all(clients.map((client) => client.dispose()));
    } finally {
      await secondGateway.close();
      await secondInventory.close();
    }
  });
});
