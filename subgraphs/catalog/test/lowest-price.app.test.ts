import { randomUUID } from 'node:crypto';
import { asService } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LowestPriceCache } from '../src/pricing/lowest-price.cache.js';
import { caller, type CatalogUnderTest, createProductAs, createStoreAs, member, newMemberId, startCatalog } from './catalog-harness.js';

let catalog: CatalogUnderTest;
let api: ReturnType<typeof caller>;
let owner: string;
let storeId: string;
beforeAll(async () => {
  catalog = await startCatalog('catalog_prices');
  api = caller(catalog.subgraph.url);
  owner = newMemberId();
  storeId = await createStoreAs(catalog.subgraph.url, owner, 'Price store');
});
afterAll(() => catalog?.close());

const PRICES = `query ($id: ID!) { product(id: $id) { lowestPrice { amount currency } variants { activeSalePrice { amount } } } }`;
const SET_SALE = `mutation ($saleId: ID!, $variantId: ID!, $price: Int!, $startsAt: DateTimeISO!, $endsAt: DateTimeISO!) {
  setVariantSalePrice(saleId: $saleId, variantId: $variantId, price: $price, startsAt: $startsAt, endsAt: $endsAt) }`;
const REMOVE_SALE = `mutation ($saleId: ID!) { removeVariantSalePrice(saleId: $saleId) }`;
const inventory = asService('inventory');
const lowest = async (id: string) => (await api.data(PRICES, { id })).product.lowestPrice?.amount ?? null;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Changes a price behind the API's back: only a cache hit still shows the old one. */
const setPriceInDatabase = (variantId: string, amount: number) =>
  catalog.subgraph.app.orm.em.fork().execute(`update catalog.product_variant set price_amount = ? where id = ?`, [amount, variantId]);
const sale = (variantId: string, price: number, startsAt: Date, endsAt: Date, saleId = randomUUID()) => ({
  saleId,
  variantId,
  price,
  startsAt: startsAt.toISOString(),
  endsAt: endsAt.toISOString(),
});

describe('Product.lowestPrice', () => {
  it('is served from the cache and recomputed after a price change through the API', async () => {
    const product = await createProductAs(catalog.subgraph.url, owner, storeId, {}, [20_000, 15_000]);
    expect((await api.data(PRICES, { id: product.id })).product.lowestPrice).toEqual({ amount: 15_000, currency: 'KRW' });
    await setPriceInDatabase(product.variants[1]!.id, 1);
    expect(await lowest(product.id)).toBe(15_000); // a hit: the database says 1

    await api.data(
      `mutation ($id: ID!) { updateProductVariant(id: $id, input: { price: 9000 }) { id } }`,
      { id: product.variants[0]!.id },
      member(owner),
    );
    expect(await lowest(product.id)).toBe(1); // invalidated: recomputed from the database
  });

  it('includes running sale prices and follows sale changes', async () => {
    const product = await createProductAs(catalog.subgraph.url, owner, storeId, {}, [30_000, 25_000]);
    expect(await lowest(product.id)).toBe(25_000);
    const now = Date.now();
    const running = sale(product.variants[0]!.id, 19_000, new Date(now - 60_000), new Date(now + 60_000));
    expect((await api.data(SET_SALE, running, inventory)).setVariantSalePrice).toBe(true);
    const data = await api.data(PRICES, { id: product.id });
    expect(data.product).toEqual({ lowestPrice: { amount: 19_000, currency: 'KRW' }, variants: [{ activeSalePrice: { amount: 19_000 } }, { activeSalePrice: null }] });

    // Resending the same sale with another price replaces it (idempotent by sale id).
    await api.data(SET_SALE, { ...running, price: 21_000 }, inventory);
    expect(await lowest(product.id)).toBe(21_000);
    expect((await api.data(REMOVE_SALE, { saleId: running.saleId }, inventory)).removeVariantSalePrice).toBe(true);
    expect((await api.data(REMOVE_SALE, { saleId: running.saleId }, inventory)).removeVariantSalePrice).toBe(false);
    expect(await lowest(product.id)).toBe(25_000);
  });

  it('changes by itself at the start and the end of a sale window, cache or not', async () => {
    const product = await createProductAs(catalog.subgraph.url, owner, storeId, {}, [50_000]);
    const startsAt = new Date(Date.now() + 1_500);
    const endsAt = new Date(startsAt.getTime() + 1_500);
    await api.data(SET_SALE, sale(product.variants[0]!.id, 40_000, startsAt, endsAt), inventory);

    expect(await lowest(product.id)).toBe(50_000);
    const askedAt = Date.now();
    const ttl = await catalog.subgraph.app.redis.pttl(`catalog:lowest-price:${product.id}`);
    // Cached, but never past the start of the window (a few ms of clock granularity aside), not for the full 30 s.
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(startsAt.getTime() - askedAt + 20);

    await sleep(startsAt.getTime() - Date.now() + 50);
    expect(await lowest(product.id)).toBe(40_000);
    expect((await api.data(PRICES, { id: product.id })).product.variants).toEqual([{ activeSalePrice: { amount: 40_000 } }]);

    await sleep(endsAt.getTime() - Date.now() + 50);
    expect(await lowest(product.id)).toBe(50_000);
    expect((await api.data(PRICES, { id: product.id })).product.variants).toEqual([{ activeSalePrice: null }]);
  });

  it('filters listings by the price a buyer pays now', async () => {
    const product = await createProductAs(catalog.subgraph.url, owner, storeId, {}, [70_000]);
    const cheap = async () =>
      (await api.data(`query ($f: ProductFilter) { products(filter: $f) { edges { node { id } } } }`, { f: { storeId, maxPrice: 60_000 } })).products.edges.map(
        (edge: any) => edge.node.id,
      );
    expect(await cheap()).not.toContain(product.id);
    await api.data(SET_SALE, sale(product.variants[0]!.id, 55_000, new Date(Date.now() - 1_000), new Date(Date.now() + 60_000)), inventory);
    expect(await cheap()).toContain(product.id);
  });

  it('refuses sale windows that end before they start', async () => {
    const product = await createProductAs(catalog.subgraph.url, owner, storeId);
    const at = new Date();
    const error = await api.error(SET_SALE, sale(product.variants[0]!.id, 1, at, at), inventory);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsAt' });
    expect(await api.errorCode(SET_SALE, sale(randomUUID(), 1, at, new Date(at.getTime() + 1)), inventory)).toBe('NOT_FOUND');
  });

  it('lets only services set or remove sale prices', async () => {
    const product = await createProductAs(catalog.subgraph.url, owner, storeId);
    const variables = sale(product.variants[0]!.id, 1, new Date(Date.now() - 1_000), new Date(Date.now() + 60_000));
    expect(await api.errorCode(SET_SALE, variables, member(owner))).toBe('FORBIDDEN');
    expect(await api.errorCode(SET_SALE, variables)).toBe('UNAUTHENTICATED');
    expect(await api.errorCode(REMOVE_SALE, { saleId: variables.saleId }, member(owner))).toBe('FORBIDDEN');
    expect(await lowest(product.id)).toBe(10_000);
  });
});

describe('LowestPriceCache', () => {
  it('does not store a value computed before an invalidation that raced with it', async () => {
    const cache = new LowestPriceCache(catalog.subgraph.app.redis);
    const productId = randomUUID();
    let computations = 0;
    const stale = async (ids: string[]) => {
      computations += 1;
      // A price change commits and invalidates while this reader still holds the old price.
      await cache.invalidate(ids);
      return new Map(ids.map((id) => [id, { price: { amount: 100, currency: 'KRW' }, changesAt: null }]));
    };
    expect(await cache.getMany([productId], stale)).toEqual([{ amount: 100, currency: 'KRW' }]);
    const fresh = async (ids: string[]) => {
      computations += 1;
      return new Map(ids.map((id) => [id, { price: { amount: 90, currency: 'KRW' }, changesAt: null }]));
    };
    expect(await cache.getMany([productId], fresh)).toEqual([{ amount: 90, currency: 'KRW' }]);
    expect(await cache.getMany([productId], fresh)).toEqual([{ amount: 90, currency: 'KRW' }]);
    expect(computations).toBe(2);
  });
});
