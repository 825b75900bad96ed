import { asMember, eventually, graphqlData, graphqlRequest } from '@commerce/testkit';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp as createOrders } from '../src/app.js';
import { Commerce } from './commerce-harness.js';

let commerce: Commerce;
beforeAll(async () => {
  commerce = await Commerce.start('orders_cart');
}, 120_000);
afterAll(() => commerce?.close());

const CART = `lines { id variant { id } quantity unitPrice { amount } lineTotal { amount } available notice { kinds message } } subtotal { amount currency }`;
const ADD = `mutation ($v: ID!, $q: Int!) { addToCart(variantId: $v, quantity: $q) { ${CART} } }`;
const UPDATE = `mutation ($l: ID!, $q: Int!) { updateCartLine(lineId: $l, quantity: $q) { ${CART} } }`;

/** A variant of a new seller's new product at `price` KRW, once inventory holds `units` of it; `reprice` is its seller's price change. */
async function listVariant(price: number, units: number) {
  const seller = asMember(await commerce.newMember(), ['CUSTOMER', 'SELLER']);
  const catalog = commerce.urls.catalog!;
  const { createStore } = await graphqlData(catalog, 'mutation { createStore(input: { name: "Cart test store" }) { id } }', {}, seller);
  const { createProduct } = await graphqlData(
    catalog,
    'mutation ($input: CreateProductInput!) { createProduct(input: $input) { variants { id } } }',
    { input: { storeId: createStore.id, name: 'Cart test product', variants: [{ sku: `CART-${randomUUID()}`, price }] } },
    seller,
  );
  const id = createProduct.variants[0].id as string;
  // Inventory learns of the variant through the catalog's outbox.
  await eventually(() => commerce.setAvailable(id, units));
  const reprice = (newPrice: number) =>
    graphqlData(catalog, 'mutation ($id: ID!, $p: Int!) { updateProductVariant(id: $id, input: { price: $p }) { id } }', { id, p: newPrice }, seller);
  return { id, reprice };
}

const cartOf = async (member: string) => {
  const response = await commerce.call(`{ cart { ${CART} } }`, {}, member);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data.cart;
};

describe('cart totals stay within a GraphQL Int (2147483647)', () => {
  it('refuses with BAD_USER_INPUT an add or a quantity change that would take the lines past it, and says how many fit', async () => {
    const member = await commerce.newMember();
    const tv = (await listVariant(25_000_000, 200)).id;
    const refused = await commerce.call(ADD, { v: tv, q: 86 }, member);
    expect(refused.errors?.[0]).toMatchObject({
      message: "The cart's lines would add up to more than 2147483647; at most 85 units of this variant fit.",
      extensions: { code: 'BAD_USER_INPUT', field: 'quantity' },
    });
    expect((await cartOf(member)).lines).toEqual([]);

    const added = (await commerce.call(ADD, { v: tv, q: 85 }, member)).data.addToCart;
    expect(added.subtotal).toEqual({ amount: 2_125_000_000, currency: 'KRW' });
    const lineId = added.lines[0].id;
    expect((await commerce.call(ADD, { v: tv, q: 1 }, member)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await commerce.call(UPDATE, { l: lineId, q: 86 }, member)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const other = (await listVariant(25_000_000, 10)).id;
    const full = await commerce.call(ADD, { v: other, q: 1 }, member);
    expect(full.errors?.[0]?.message).toBe("The cart's lines would add up to more than 2147483647; lower or remove other lines first.");
    expect((await cartOf(member)).lines).toEqual([expect.objectContaining({ quantity: 85, lineTotal: { amount: 2_125_000_000 } })]);

    const lowered = (await commerce.call(UPDATE, { l: lineId, q: 80 }, member)).data.updateCartLine;
    expect(lowered.subtotal.amount).toBe(2_000_000_000);
    expect((await commerce.call(ADD, { v: other, q: 1 }, member)).data.addToCart.subtotal.amount).toBe(2_025_000_000);
  });

  it('stays readable when a price rise takes a line or the lines past it: those lines say so and leave the subtotal', async () => {
    const member = await commerce.newMember();
    const older = await listVariant(700_000_000, 10);
    const newer = await listVariant(40_000_000, 10);
    await commerce.call(ADD, { v: older.id, q: 3 }, member);
    const added = (await commerce.call(ADD, { v: newer.id, q: 1 }, member)).data.addToCart;
    expect(added.subtotal.amount).toBe(2_140_000_000);
    const [olderLine, newerLine] = added.lines;

    // The newer line still fits alone (100,000,000) but no longer after the older one's 2,100,000,000.
    await newer.reprice(100_000_000);
    let cart = await cartOf(member);
    expect(cart.subtotal).toEqual({ amount: 2_100_000_000, currency: 'KRW' });
    expect(cart.lines[0]).toMatchObject({ id: olderLine.id, available: true, notice: null });
    expect(cart.lines[1]).toMatchObject({
      id: newerLine.id,
      available: false,
      lineTotal: { amount: 100_000_000 },
      notice: { kinds: ['PRICE_CHANGED', 'TOTAL_TOO_LARGE'], message: 'The price changed since you added it. With it the lines add up to more than 2147483647; lower a quantity.' },
    });

    // The older line alone no longer fits (3 × 1,000,000,000): no total shown, and the newer one counts again.
    await older.reprice(1_000_000_000);
    cart = await cartOf(member);
    expect(cart.lines[0]).toMatchObject({
      available: false,
      unitPrice: { amount: 1_000_000_000 },
      lineTotal: null,
      notice: { kinds: ['PRICE_CHANGED', 'TOTAL_TOO_LARGE'], message: 'The price changed since you added it. At this price its total is more than 2147483647; lower the quantity.' },
    });
    expect(cart.lines[1]).toMatchObject({ available: true, lineTotal: { amount: 100_000_000 } });
    expect(cart.subtotal).toEqual({ amount: 100_000_000, currency: 'KRW' });

    // Fewer units are always accepted, so the member can mend the cart.
    cart = (await commerce.call(UPDATE, { l: olderLine.id, q: 2 }, member)).data.updateCartLine;
    expect(cart.lines.map((line: { available: boolean }) => line.available)).toEqual([true, true]);
    expect(cart.subtotal.amount).toBe(2_100_000_000);
  });
});

describe('cart lines and stock', () => {
  it('marks a line OUT_OF_STOCK when inventory has fewer units than it wants, and leaves it out of the subtotal', async () => {
    const member = await commerce.newMember();
    const variant = (await listVariant(10_000, 8)).id;
    const [line] = (await commerce.call(ADD, { v: variant, q: 50 }, member)).data.addToCart.lines;
    expect(line).toMatchObject({ quantity: 50, available: false, lineTotal: { amount: 500_000 }, notice: { kinds: ['OUT_OF_STOCK'], message: 'Only 8 are in stock right now.' } });
    expect((await cartOf(member)).subtotal).toBeNull();

    const fitted = (await commerce.call(UPDATE, { l: line.id, q: 8 }, member)).data.updateCartLine;
    expect(fitted.lines[0]).toMatchObject({ available: true, notice: null });
    expect(fitted.subtotal).toEqual({ amount: 80_000, currency: 'KRW' });

    await commerce.setAvailable(variant, 0);
    expect((await cartOf(member)).lines[0]).toMatchObject({ available: false, notice: { kinds: ['OUT_OF_STOCK'], message: 'It is out of stock right now.' } });
  });

  it("stays readable while inventory cannot be reached, going by the catalog's in-stock flag", async () => {
    const member = await commerce.newMember();
    const variant = (await listVariant(10_000, 8)).id;
    await commerce.call(ADD, { v: variant, q: 50 }, member);
    // The catalog hears from inventory's outbox that the variant is in stock.
    await eventually(async () => expect((await graphqlData(commerce.urls.catalog!, 'query ($id: ID!) { productVariant(id: $id) { inStock } }', { id: variant })).productVariant.inStock).toBe(true));
    const cutOff = await createOrders(commerce.ordersConfig({ INVENTORY_URL: 'http://127.0.0.1:9/graphql' }));
    try {
      const response = await graphqlRequest(await cutOff.listen(0), `{ cart { ${CART} } }`, {}, asMember(member));
      expect(response.errors).toBeUndefined();
      // Without a count, "in stock" is all that is known: the line is shown as buyable, and checkout has the last word.
      expect(response.data.cart.lines[0]).toMatchObject({ quantity: 50, available: true, notice: null });
    } finally {
      await cutOff.close();
    }
  });
});
