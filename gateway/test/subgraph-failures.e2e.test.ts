import { demoId } from '@commerce/demo-data';
import { eventually, graphqlData, graphqlRequest, parseMetrics } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlakyUpstream } from './flaky-upstream.js';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';

let supergraph: RunningSupergraph;
let aliceToken: string;
const MUG = demoId('product:enamel-mug');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** Time-sales come from inventory alone: a query that reaches one subgraph, through the flaky upstream. */
const TIME_SALES = '{ timeSales(first: 1) { edges { node { id } } } }';
const CLAIM = 'mutation { claimTimeSale(saleId: "no-such-sale", quantity: 1, idempotencyKey: "k") { __typename } }';

beforeAll(async () => {
  supergraph = await startSupergraph('failures', { SUBGRAPH_BREAKER_COOLDOWN_MS: '500' });
  aliceToken = await supergraph.logIn('alice@demo.commerce');
}, 120_000);
afterAll(() => supergraph?.close());

/** A gateway of its own whose inventory calls go through a flaky upstream in front of the real inventory. */
/** Runs `test` against a gateway (with `env`) whose inventory is reached through a FlakyUpstream, stopped after. */
async function withFlakyInventory(env: Record<string, string>, test: (gateway: { upstream: FlakyUpstream; url: string }) => Promise<void>) {
  const upstream = new FlakyUpstream(supergraph.subgraphUrls.inventory!);
  try {
    const gateway = await supergraph.startGateway({ INVENTORY_URL: await upstream.start(), ...env });
    await test({ upstream, url: gateway.url });
    // Every failure the gateway saw was one the test asked for, not a real subgraph that could not be reached.
    expect(upstream.forwardErrors).toEqual([]);
  } finally {
    await upstream.stop();
  }
}

describe('a stopped subgraph', () => {
  it('gives the rest of the data with errors on the missing fields, and recovers when it returns', { timeout: 120_000 }, async () => {
    const added = await graphqlData(supergraph.gatewayUrl, `mutation { addToWishlist(productId: "${MUG}") { id } }`, {}, auth(aliceToken));
    expect(added.addToWishlist.id).toBeTruthy();
    // members answers `me` and the wishlist's ids; catalog the products' descriptions (nullable).
    const query = '{ me { name wishlist { id description } } }';
    const before = await graphqlData(supergraph.gatewayUrl, query, {}, auth(aliceToken));
    expect(before.me.wishlist).toContainEqual({ id: MUG, description: expect.any(String) });

    await supergraph.stopSubgraph('catalog');
    try {
      const partial = await graphqlRequest(supergraph.gatewayUrl, query, {}, auth(aliceToken));
      expect(partial.status).toBe(200);
      expect(partial.data?.me.name).toBe(before.me.name);
      const index = before.me.wishlist.findIndex((product: { id: string }) => product.id === MUG);
      expect(partial.data?.me.wishlist[index]).toEqual({ id: MUG, description: null });
      expect(partial.errors).toContainEqual(
        expect.objectContaining({
          path: ['me', 'wishlist', index, 'description'],
          extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'catalog' }),
        }),
      );
    } finally {
      await supergraph.restartSubgraph('catalog');
    }
    // The breaker may have opened meanwhile; after its cooldown a probe finds catalog back and closes it.
    await eventually(async () => {
      const after = await graphqlRequest(supergraph.gatewayUrl, query, {}, auth(aliceToken));
      expect(after.errors).toBeUndefined();
      expect(after.data).toEqual(before);
    }, 30_000, 200);
  });
});

describe('inventory down behind a product page', () => {
  it('keeps the product and its variants, with null stock and an error per variant', { timeout: 60_000 }, async () => {
    await withFlakyInventory({ SUBGRAPH_RETRIES: '0', SUBGRAPH_BREAKER_FAILURES: '0' }, async ({ upstream, url }) => {
      const query = `{ product(id: "${MUG}") { name variants { sku stock { available } } } }`;
      const healthy = await graphqlData(url, query);
      expect(healthy.product.variants[0].stock.available).toEqual(expect.any(Number));
      upstream.set({ kind: 'status', status: 503 });
      const partial = await graphqlRequest(url, query);
      expect(partial.data?.product.name).toBe(healthy.product.name);
      expect(partial.data?.product.variants).toEqual(healthy.product.variants.map((variant: { sku: string }) => ({ sku: variant.sku, stock: null })));
      expect(partial.errors?.map((error) => error.extensions?.code)).toContain('SUBGRAPH_UNAVAILABLE');
    });
  });
});

describe('a slow subgraph', () => {
  it('hits its own timeout (SUBGRAPH_TIMEOUTS) with SUBGRAPH_TIMEOUT, without a retry', { timeout: 60_000 }, async () => {
    await withFlakyInventory({ SUBGRAPH_TIMEOUTS: 'inventory=300', SUBGRAPH_BREAKER_FAILURES: '0' }, async ({ upstream, url }) => {
      upstream.set({ kind: 'delay', ms: 20_000 });
      const started = Date.now();
      const response = await graphqlRequest(url, TIME_SALES);
      // Far below the upstream's 20 s: the gateway gave up on its own budget (300 ms), not on the answer.
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(response.data).toBeNull();
      expect(response.errors?.[0]).toMatchObject({ path: ['timeSales'], extensions: { code: 'SUBGRAPH_TIMEOUT', subgraph: 'inventory' } });
      expect(upstream.hits.query).toBe(1);
      // Other subgraphs are not held up by it.
      expect((await graphqlData(url, '{ categories { slug } }')).categories).toHaveLength(3);
    });
  });
});

describe('retries', () => {
  it('retry a query after 503s and reset connections, and never a mutation', { timeout: 60_000 }, async () => {
    await withFlakyInventory({ SUBGRAPH_RETRIES: '2', SUBGRAPH_BREAKER_FAILURES: '0' }, async ({ upstream, url }) => {
      // Two 503s, then the real inventory: the third attempt answers.
      upstream.set({ kind: 'status', status: 503 }, 2);
      const served = await graphqlRequest(url, TIME_SALES);
      expect(served.errors).toBeUndefined();
      expect(served.data?.timeSales.edges).toBeInstanceOf(Array);
      expect(upstream.hits.query).toBe(3);

      // Connections dropped every time: three attempts, then an error.
      upstream.set({ kind: 'reset' });
      const failed = await graphqlRequest(url, TIME_SALES);
      expect(failed.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'inventory' });
      expect(upstream.hits.query).toBe(6);

      // A mutation is sent once, whatever came back.
      for (const behaviour of [{ kind: 'status', status: 503 }, { kind: 'reset' }] as const) {
        const before = upstream.hits.mutation;
        upstream.set(behaviour);
        const refused = await graphqlRequest(url, CLAIM, {}, auth(aliceToken));
        expect(refused.errors?.[0]).toMatchObject({ path: ['claimTimeSale'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
        expect(upstream.hits.mutation).toBe(before + 1);
      }
    });
  });
});

describe('the circuit breaker', () => {
  it('opens after consecutive failures, fails fast without calling the subgraph, and closes after the cooldown', { timeout: 60_000 }, async () => {
    const settings = {
      SUBGRAPH_RETRIES: '0',
      SUBGRAPH_BREAKER_FAILURES: '3',
      // Long enough that the fast-fail calls below all land inside it on a loaded machine.
      SUBGRAPH_BREAKER_COOLDOWN_MS: '3000',
    };
    await withFlakyInventory(settings, async ({ upstream, url }) => {
      const circuit = async () => {
        const metrics = parseMetrics(await (await fetch(url.replace('/graphql', '/metrics'))).text());
        return metrics.find((sample) => sample.name === 'gateway_subgraph_circuit_state' && sample.labels.subgraph === 'inventory')?.value;
      };
      expect((await graphqlData(url, TIME_SALES)).timeSales).toBeTruthy();
      expect(await circuit()).toBe(0);
      upstream.set({ kind: 'status', status: 503 });
      const calledBefore = upstream.total;
      for (let i = 0; i < 3; i++) {
        expect((await graphqlRequest(url, TIME_SALES)).errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
      }
      expect(upstream.total).toBe(calledBefore + 3);
      expect(await circuit()).toBe(2);

      // Open: refused at once, and the subgraph never sees these calls.
      for (let i = 0; i < 5; i++) {
        const refused = await graphqlRequest(url, TIME_SALES);
        expect(refused.errors?.[0]).toMatchObject({ path: ['timeSales'], extensions: { code: 'SUBGRAPH_UNAVAILABLE', retryAfterSeconds: expect.any(Number) } });
        expect(refused.errors?.[0]?.message).toMatch(/circuit open/);
        expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBeLessThanOrEqual(3);
      }
      expect(upstream.total).toBe(calledBefore + 3);

      // After the cooldown one probe goes through; it fails, so the circuit opens again.
      await sleep(3_300);
      await graphqlRequest(url, TIME_SALES);
      expect(upstream.total).toBe(calledBefore + 4);
      await graphqlRequest(url, TIME_SALES);
      expect(upstream.total).toBe(calledBefore + 4);
      expect(await circuit()).toBe(2);

      // The subgraph is back: the next probe succeeds and closes the circuit.
      upstream.set({ kind: 'pass' });
      await sleep(3_300);
      expect((await graphqlRequest(url, TIME_SALES)).errors).toBeUndefined();
      expect(upstream.total).toBe(calledBefore + 5);
      expect(await circuit()).toBe(0);
      expect((await graphqlRequest(url, TIME_SALES)).errors).toBeUndefined();
    });
  });
});
