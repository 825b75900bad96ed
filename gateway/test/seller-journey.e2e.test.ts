import { graphqlData, graphqlRequest } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';

/**
 * A new member opens a store and lists a product, all through the gateway. The subgraphs learn of each other's
 * changes through their outboxes (members grants SELLER, inventory registers the store and the variants,
 * catalog learns the variant is in stock), so this checks those hand-offs over real HTTP between real apps.
 */
let supergraph: RunningSupergraph;

beforeAll(async () => {
  supergraph = await startSupergraph('journey');
});
afterAll(() => supergraph?.close());

const eventually = async <T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('a new seller', () => {
  it('signs up, logs in, opens a store, lists a product, stocks it and sees it in stock', async () => {
    const url = supergraph.gatewayUrl;
    const email = `seller-${Date.now()}@example.com`;
    const signUp = await graphqlData(
      url,
      `mutation ($input: SignUpInput!) { signUp(input: $input) { __typename ... on Member { id roles } } }`,
      { input: { email, password: 'a long enough passphrase 42', name: 'New Seller' } },
    );
    expect(signUp.signUp).toMatchObject({ __typename: 'Member', roles: ['CUSTOMER'] });

    const logIn = async () =>
      (await graphqlData(url, `mutation ($e: String!) { logIn(email: $e, password: "a long enough passphrase 42") { ... on Session { accessToken } } }`, { e: email }))
        .logIn.accessToken as string;
    const auth = { authorization: `Bearer ${await logIn()}` };

    const store = await graphqlData(url, `mutation { createStore(input: { name: "Journey Goods", description: "Made for a test." }) { id owner { name } } }`, {}, auth);
    expect(store.createStore.owner).toEqual({ name: 'New Seller' });

    // members hears of the store through catalog's outbox: the next token carries SELLER.
    const roles = await eventually(
      async () => (await graphqlData(url, '{ me { roles } }', {}, { authorization: `Bearer ${await logIn()}` })).me.roles as string[],
      (value) => value.includes('SELLER'),
    );
    expect(roles).toContain('SELLER');

    const product = await graphqlData(
      url,
      `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id variants { id sku inStock stock { onHand } } } }`,
      { input: { storeId: store.createStore.id, name: 'Journey Mug', description: 'Holds tea.', imageUrls: [], variants: [{ sku: `JM-${Date.now()}`, options: [{ name: 'color', value: 'blue' }], price: 9_000 }] } },
      auth,
    );
    const [variant] = product.createProduct.variants;
    expect(variant).toMatchObject({ inStock: false, stock: { onHand: 0 } });

    // inventory hears of the variant through catalog's outbox; then the owner may stock it.
    const adjusted = await eventually(
      () => graphqlRequest(url, `mutation ($v: ID!) { adjustStock(variantId: $v, delta: 12, reason: "first delivery") { __typename ... on StockLevel { available } } }`, { v: variant.id }, auth),
      (response) => !response.errors,
    );
    expect(adjusted.errors).toBeUndefined();
    expect(adjusted.data.adjustStock).toEqual({ __typename: 'StockLevel', available: 12 });

    // catalog hears that the variant is in stock through inventory's outbox.
    const listed = await eventually(
      async () => (await graphqlData(url, `query ($id: ID!) { product(id: $id) { inStock variants { inStock stock { available } } } }`, { id: product.createProduct.id })).product,
      (value: any) => value.inStock,
    );
    expect(listed).toEqual({ inStock: true, variants: [{ inStock: true, stock: { available: 12 } }] });

    // Another member may not touch the new store's stock.
    const bob = (await graphqlData(url, 'mutation { logIn(email: "bob@demo.commerce", password: "demo-password-1") { ... on Session { accessToken } } }')).logIn.accessToken;
    const refused = await graphqlRequest(url, `mutation ($v: ID!) { adjustStock(variantId: $v, delta: -1, reason: "x") { __typename } }`, { v: variant.id }, { authorization: `Bearer ${bob}` });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
