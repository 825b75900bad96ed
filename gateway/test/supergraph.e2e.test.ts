import { demoId } from '@commerce/demo-data';
import { graphqlData, graphqlRequest, TEST_GATEWAY_SECRET } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayApp } from '../src/app.js';
import { readGatewayConfig } from '../src/config.js';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';

let supergraph: RunningSupergraph;

const logIn = (email: string) => supergraph.logIn(email);

beforeAll(async () => {
  supergraph = await startSupergraph('e2e');
});
afterAll(() => supergraph?.close());

const ORDER_ACROSS_ALL_SUBGRAPHS = /* GraphQL */ `
  query OrderAcrossTheSupergraph($id: ID!) {
    order(id: $id) {
      number
      status
      buyer { name }
      coupon { name kind value }
      subtotal { amount currency }
      discount { amount }
      total { amount }
      lines {
        quantity
        unitPrice { amount currency }
        variant {
          sku
          price { amount }
          product { name store { name owner { name } } }
          stock { onHand reserved available }
        }
      }
    }
  }
`;

describe('the supergraph through the gateway', () => {
  it('answers one query with data from all five subgraphs', async () => {
    const data = await graphqlData(supergraph.gatewayUrl, ORDER_ACROSS_ALL_SUBGRAPHS, { id: demoId('order:alice-1') }, {
      authorization: `Bearer ${await logIn('alice@demo.commerce')}`,
    });
    expect(data.order).toEqual({
      number: 'D-000001',
      status: 'PAID',
      buyer: { name: 'Alice Kim' },
      coupon: { name: 'Welcome 3,000 won off', kind: 'FIXED', value: 3000 },
      subtotal: { amount: 69_000, currency: 'KRW' },
      discount: { amount: 3_000 },
      total: { amount: 66_000 },
      lines: [
        {
          quantity: 1,
          unitPrice: { amount: 45_000, currency: 'KRW' },
          variant: {
            sku: 'JG-CC-OLV',
            price: { amount: 45_000 },
            product: { name: 'Folding Camp Chair', store: { name: 'Joon Gear', owner: { name: 'Joon Park' } } },
            stock: { onHand: 120, reserved: 0, available: 120 },
          },
        },
        {
          quantity: 2,
          unitPrice: { amount: 12_000, currency: 'KRW' },
          variant: {
            sku: 'JG-EM-WHT',
            price: { amount: 12_000 },
            product: { name: 'Enamel Mug', store: { name: 'Joon Gear', owner: { name: 'Joon Park' } } },
            stock: { onHand: 300, reserved: 0, available: 300 },
          },
        },
      ],
    });
  });

  it("shows a member's private fields to that member only, also through a federated reference", async () => {
    const query = 'query ($id: ID!) { order(id: $id) { buyer { name email } } }';
    const variables = { id: demoId('order:alice-1') };
    const anonymous = await graphqlRequest(supergraph.gatewayUrl, query, variables);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const asBob = await graphqlRequest(supergraph.gatewayUrl, query, variables, { authorization: `Bearer ${await logIn('bob@demo.commerce')}` });
    expect(asBob.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const response of [anonymous, asBob]) expect(JSON.stringify(response.data)).not.toContain('alice@demo.commerce');

    const asAlice = await graphqlData(supergraph.gatewayUrl, query, variables, { authorization: `Bearer ${await logIn('alice@demo.commerce')}` });
    expect(asAlice.order.buyer).toEqual({ name: 'Alice Kim', email: 'alice@demo.commerce' });
    // Bob reads Alice's public name through a store's owner reference, never her email.
    const viaStore = await graphqlRequest(
      supergraph.gatewayUrl,
      `{ stores(first: 5) { edges { node { owner { name email } } } } }`,
      {},
      { authorization: `Bearer ${await logIn('bob@demo.commerce')}` },
    );
    expect(viaStore.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(viaStore.data)).not.toMatch(/@demo\.commerce/);
  });

  it('refuses a token that does not verify with 401 UNAUTHENTICATED', async () => {
    const response = await graphqlRequest(supergraph.gatewayUrl, '{ categories { slug } }', {}, { authorization: 'Bearer forged.token.value' });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('resolves a catalog list with stock from inventory', async () => {
    const data = await graphqlData(
      supergraph.gatewayUrl,
      `{ products(first: 10) { edges { node { name variants { sku stock { available } } } } } }`,
    );
    const chair = data.products.edges.find((edge: any) => edge.node.name === 'Folding Camp Chair');
    expect(chair.node.variants).toEqual([
      { sku: 'JG-CC-OLV', stock: { available: 120 } },
      { sku: 'JG-CC-SND', stock: { available: 8 } },
    ]);
  });
});

describe('bad requests get coded errors', () => {
  it('malformed JSON → 400 BAD_REQUEST', async () => {
    const response = await fetch(supergraph.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ categories { name } ',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.js:\d+/);
  });

  it('an unknown field → 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const response = await graphqlRequest(supergraph.gatewayUrl, '{ categories { name colour } }');
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('a variable of the wrong type → 400 BAD_USER_INPUT', async () => {
    const response = await graphqlRequest(supergraph.gatewayUrl, 'query ($first: Int) { products(first: $first) { edges { cursor } } }', {
      first: 'ten',
    });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('an unknown id → NOT_FOUND from the owning subgraph, passed through the gateway', async () => {
    const response = await graphqlRequest(supergraph.gatewayUrl, 'query ($id: ID!) { product(id: $id) { name } }', {
      id: '0190a000-0000-7000-8000-000000000000',
    });
    expect(response.status).toBe(200);
    expect(response.data).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(response.errors?.[0]?.extensions?.stacktrace).toBeUndefined();
  });

  it('a malformed id → BAD_USER_INPUT', async () => {
    const response = await graphqlRequest(supergraph.gatewayUrl, '{ order(id: "42; drop table x") { number } }');
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['an empty JSON object', '{}'],
    ['a batch, which the gateway does not accept', '[{"query":"{ categories { name } }"}]'],
  ])('%s → 400 BAD_REQUEST as JSON', async (_label, body) => {
    const response = await fetch(supergraph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
  });
});

describe('a production gateway', () => {
  it('refuses introspection and serves no landing page unless enabled', async () => {
    const overrides = Object.fromEntries(
      Object.entries(supergraph.subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url]),
    );
    const production = await createGatewayApp(
      readGatewayConfig({ NODE_ENV: 'production', GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET, ...overrides }),
    );
    const url = await production.listen(0);
    try {
      const introspection = await graphqlRequest(url, '{ __schema { queryType { name } } }');
      expect(introspection.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const page = await fetch(url, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toContain('embeddable-sandbox');
      expect((await graphqlData(url, '{ categories { slug } }')).categories).toHaveLength(3);
    } finally {
      await production.close();
    }
  });
});
