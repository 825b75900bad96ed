import { graphqlData, graphqlRequest } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';
import { collect, wsClient } from './ws-client.js';

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

describe('a deleted product', () => {
  it('leaves the wishlists, carts, orders and sales that held it whole: wishlists drop it, a cart line says so, an order keeps its name, its sale is withdrawn', { timeout: 60_000 }, async () => {
    const url = supergraph.gatewayUrl;
    const seller = { authorization: `Bearer ${await supergraph.logIn('mina@demo.commerce')}` };
    const alice = { authorization: `Bearer ${await supergraph.logIn('alice@demo.commerce')}` };
    const mina = (await graphqlData(url, '{ me { id } }', {}, seller)).me.id;
    const stores = (await graphqlData(url, '{ stores(first: 100) { edges { node { id owner { id } } } } }')).stores.edges.map((edge: any) => edge.node);
    const store = stores.find((candidate: any) => candidate.owner.id === mina);
    const sku = `SL-${Date.now()}`;
    const product = await graphqlData(
      url,
      `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id variants { id } } }`,
      { input: { storeId: store.id, name: 'Short-lived Mug', description: 'Gone soon.', imageUrls: [], variants: [{ sku, options: [], price: 4_000 }] } },
      seller,
    );
    const productId = product.createProduct.id;
    const variantId = product.createProduct.variants[0].id;
    await eventually(
      () => graphqlRequest(url, `mutation ($v: ID!) { adjustStock(variantId: $v, delta: 5, reason: "delivery") { __typename } }`, { v: variantId }, seller),
      (response) => !response.errors,
    );

    // Alice buys one, keeps it in her wishlist, and has one more in her cart.
    const bought = await graphqlData(url, `mutation ($v: ID!) { addToCart(variantId: $v, quantity: 1) { lines { id variant { id } } } }`, { v: variantId }, alice);
    const boughtLine = bought.addToCart.lines.find((line: any) => line.variant.id === variantId).id;
    const order = await graphqlData(
      url,
      `mutation ($input: CheckoutInput!) { checkout(input: $input) { __typename ... on Order { id } } }`,
      { input: { cartLineIds: [boughtLine], paymentMethod: 'card:visa-4242', idempotencyKey: `deleted-${Date.now()}` } },
      alice,
    );
    expect(order.checkout.__typename).toBe('Order');
    await graphqlData(url, `mutation ($p: ID!) { addToWishlist(productId: $p) { id } }`, { p: productId }, alice);
    await graphqlData(url, `mutation ($v: ID!) { addToCart(variantId: $v, quantity: 2) { __typename } }`, { v: variantId }, alice);
    // And the seller runs a time-sale of it.
    const sale = await graphqlData(
      url,
      `mutation ($input: CreateTimeSaleInput!) { createTimeSale(input: $input) { __typename ... on TimeSale { id status } } }`,
      { input: { variantId, price: 3_000, quantity: 2, perMemberLimit: 1, startsAt: new Date(Date.now() - 1_000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString() } },
      seller,
    );
    expect(sale.createTimeSale).toMatchObject({ __typename: 'TimeSale', status: 'ACTIVE' });
    const client = wsClient(url);
    const saleEvents = collect(client, `subscription ($id: ID!) { timeSaleChanged(saleId: $id) { status variant { sku } } }`, { id: sale.createTimeSale.id });
    await new Promise((resolve) => setTimeout(resolve, 500));

    const deleted = await graphqlData(url, `mutation ($p: ID!) { deleteProduct(id: $p) }`, { p: productId }, seller);
    expect(deleted.deleteProduct).toBe(productId);

    // Members hears of it through catalog's outbox and the list loses it (before that it held a null: see the next test).
    const wishlist = await eventually(
      () => graphqlRequest(url, '{ me { name wishlist { id name } } }', {}, alice),
      (response) => !response.data?.me?.wishlist.some((item: any) => item === null || item.id === productId),
    );
    expect(wishlist.errors).toBeUndefined();
    expect(wishlist.data.me.name).toBe('Alice Kim');
    expect(wishlist.data.me.wishlist.every((item: any) => item && typeof item.name === 'string')).toBe(true);

    const cart = await graphqlRequest(url, '{ cart { lines { quantity unitPrice { amount } available variant { id sku } notice { kinds } } } }', {}, alice);
    expect(cart.errors).toBeUndefined();
    expect(cart.data.cart.lines).toContainEqual({ quantity: 2, unitPrice: null, available: false, variant: null, notice: { kinds: ['UNAVAILABLE'] } });

    // Inventory hears of it too: the sale is withdrawn, and the list of sales still reads whole.
    const withdrawn = await eventually(
      () => graphqlRequest(url, `query ($id: ID!) { timeSale(id: $id) { status variant { sku } } }`, { id: sale.createTimeSale.id }),
      (response) => response.data?.timeSale.status === 'CANCELLED',
    );
    expect(withdrawn.data.timeSale).toEqual({ status: 'CANCELLED', variant: null });
    const sales = await graphqlRequest(url, '{ timeSales(first: 100) { edges { node { id variant { sku } } } } }');
    expect(sales.data.timeSales.edges).toContainEqual({ node: { id: sale.createTimeSale.id, variant: null } });
    // Its watchers see it withdrawn, with no variant, rather than an error.
    await saleEvents.waitFor((events) => events.some((event) => event.timeSaleChanged.status === 'CANCELLED'), 10_000);
    expect(saleEvents.events.at(-1)).toEqual({ timeSaleChanged: { status: 'CANCELLED', variant: null } });
    expect(saleEvents.errors).toEqual([]);
    saleEvents.stop();
    await client.dispose();

    // Asking the catalog for the variant's own fields finds nothing; the order still reads whole.
    const history = await graphqlRequest(url, `query ($id: ID!) { order(id: $id) { status lines { name sku variant { sku } } } }`, { id: order.checkout.id }, alice);
    expect(history.data.order).toEqual({ status: 'PAID', lines: [{ name: 'Short-lived Mug', sku, variant: null }] });
  });

  it('leaves a null in the wishlist, not a blank page, for a product id the catalog never had', async () => {
    const url = supergraph.gatewayUrl;
    const bob = { authorization: `Bearer ${await supergraph.logIn('bob@demo.commerce')}` };
    const unknown = '0190a6b8-0000-7000-8000-000000000000';
    await graphqlData(url, `mutation ($p: ID!) { addToWishlist(productId: $p) { id } }`, { p: unknown }, bob);
    try {
      const page = await graphqlRequest(url, '{ me { name wishlist { id name } } }', {}, bob);
      expect(page.data.me.name).toBe('Bob Lee');
      expect(page.data.me.wishlist).toContainEqual(null);
    } finally {
      await graphqlData(url, `mutation ($p: ID!) { removeFromWishlist(productId: $p) { id } }`, { p: unknown }, bob);
    }
  });
});
