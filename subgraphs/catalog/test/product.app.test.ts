import { demoId } from '@commerce/kit';
import { asService } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProductLike } from '../src/product/product-like.entity.js';
import { Product } from '../src/product/product.entity.js';
import {
  admin,
  CREATE_PRODUCT,
  caller,
  type CatalogUnderTest,
  createProductAs,
  createStoreAs,
  eventually,
  member,
  newMemberId,
  startCatalog,
  uniqueSku,
} from './catalog-harness.js';

let catalog: CatalogUnderTest;
let api: ReturnType<typeof caller>;
let owner: string;
let storeId: string;
beforeAll(async () => {
  catalog = await startCatalog('catalog_products', { SEED_DEMO: true });
  api = caller(catalog.subgraph.url);
  owner = newMemberId();
  storeId = await createStoreAs(catalog.subgraph.url, owner, 'Product test store');
});
afterAll(() => catalog?.close());

const productInput = (fields: Record<string, unknown> = {}) => ({
  storeId,
  name: 'Wool Scarf',
  brand: 'Knit Co',
  description: 'A warm scarf',
  categoryId: demoId('category:apparel'),
  imageUrls: ['https://img.example/scarf.jpg'],
  variants: [
    { sku: uniqueSku('SCARF'), options: [{ name: 'color', value: 'red' }], price: 30_000 },
    { sku: uniqueSku('SCARF'), options: [{ name: 'color', value: 'blue' }], price: 32_000 },
  ],
  ...fields,
});

const outboxCount = async (topic: string) => {
  const [row] = await catalog.subgraph.app.orm.em.fork().execute(`select count(*)::int as n from catalog.outbox_message where topic = ?`, [topic]);
  return row!.n as number;
};

describe('creating products', () => {
  it('lists a product with its variants for the store owner, out of stock until inventory reports', async () => {
    const input = productInput();
    const { createProduct } = await api.data(CREATE_PRODUCT, { input }, member(owner));
    expect(createProduct).toMatchObject({
      name: 'Wool Scarf',
      brand: 'Knit Co',
      imageUrls: ['https://img.example/scarf.jpg'],
      likeCount: 0,
      inStock: false,
      category: { slug: 'apparel' },
      store: { id: storeId },
    });
    expect(createProduct.variants.map((variant: any) => [variant.sku, variant.price, variant.inStock])).toEqual([
      [input.variants[0]!.sku, { amount: 30_000, currency: 'KRW' }, false],
      [input.variants[1]!.sku, { amount: 32_000, currency: 'KRW' }, false],
    ]);
  });

  it('is allowed to admins, FORBIDDEN to other members and services, UNAUTHENTICATED for anonymous callers', async () => {
    expect(await api.errorCode(CREATE_PRODUCT, { input: productInput() })).toBe('UNAUTHENTICATED');
    expect(await api.errorCode(CREATE_PRODUCT, { input: productInput() }, member(newMemberId()))).toBe('FORBIDDEN');
    expect(await api.errorCode(CREATE_PRODUCT, { input: productInput() }, asService('inventory'))).toBe('FORBIDDEN');
    const { createProduct } = await api.data(CREATE_PRODUCT, { input: productInput({ name: 'By admin' }) }, admin());
    expect(createProduct.name).toBe('By admin');
  });

  it('refuses bad input with the offending field', async () => {
    const field = async (input: Record<string, unknown>) => (await api.error(CREATE_PRODUCT, { input }, member(owner))).extensions;
    expect(await field(productInput({ name: ' ' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(await field(productInput({ variants: [] }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variants' });
    expect(await field(productInput({ imageUrls: ['javascript:alert(1)'] }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'imageUrls[0]' });
    expect(await field(productInput({ currency: 'won' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
    expect(await field(productInput({ categoryId: demoId('category:nope') }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'categoryId' });
    const sku = uniqueSku();
    const twice = [{ sku, options: [], price: 1 }, { sku, options: [{ name: 'a', value: 'b' }], price: 1 }];
    expect(await field(productInput({ variants: twice }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variants[1].sku' });
    const sameOptions = [{ sku: uniqueSku(), options: [], price: 1 }, { sku: uniqueSku(), options: [], price: 1 }];
    expect(await field(productInput({ variants: sameOptions }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variants[1].options' });
    expect(await field(productInput({ variants: [{ sku: 'has space', options: [], price: 1 }] }))).toMatchObject({ field: 'variants[0].sku' });
    expect(await field(productInput({ variants: [{ sku: uniqueSku(), options: [], price: -1 }] }))).toMatchObject({ field: 'variants[0].price' });
    expect(await api.errorCode(CREATE_PRODUCT, { input: productInput({ storeId: '00000000-0000-7000-8000-000000000000' }) }, member(owner))).toBe(
      'NOT_FOUND',
    );
  });

  it('writes its variants-created message in the same transaction, and nothing when the product fails', async () => {
    const before = await outboxCount('variants-created');
    const created = await createProductAs(catalog.subgraph.url, owner, storeId, {}, [1_000, 2_000]);
    const em = catalog.subgraph.app.orm.em.fork();
    // The message's own transaction id (xmin) is no proof: the relay may already have marked it delivered, which
    // rewrites the row. The proof of one transaction is below: a commit that fails after both rows were written
    // leaves no message.
    const [message] = await em.execute(`select payload from catalog.outbox_message where payload @> ?::jsonb`, [
      JSON.stringify({ variants: [{ variantId: created.variants[0]!.id }] }),
    ]);
    expect(message!.payload).toEqual({ variants: created.variants.map((variant) => ({ variantId: variant.id, storeId })) });
    expect(await outboxCount('variants-created')).toBe(before + 1);

    // A SKU already taken fails at the unique index, after the message was queued in the unit of work.
    const taken = productInput({ name: 'Clash', variants: [{ sku: created.variants[1]!.sku, options: [], price: 1 }] });
    expect((await api.error(CREATE_PRODUCT, { input: taken }, member(owner))).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'variants[0].sku',
    });
    // A deferred constraint fails the commit itself, after every row (the message too) was written.
    await em.execute(`create function catalog.refuse_boom() returns trigger language plpgsql as $$
      begin if new.sku = 'BOOM' then raise exception 'boom'; end if; return new; end $$`);
    await em.execute(`create constraint trigger refuse_boom after insert on catalog.product_variant
      deferrable initially deferred for each row execute function catalog.refuse_boom()`);
    try {
      const boom = productInput({ name: 'Boom', variants: [{ sku: 'BOOM', options: [], price: 1 }] });
      expect(await api.errorCode(CREATE_PRODUCT, { input: boom }, member(owner))).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await em.execute(`drop trigger refuse_boom on catalog.product_variant; drop function catalog.refuse_boom()`);
    }
    expect(await outboxCount('variants-created')).toBe(before + 1);
    expect(await em.count(Product, { name: { $in: ['Clash', 'Boom'] } })).toBe(0);

    await eventually(() => {
      const registered = catalog.upstream.callsTo('registerVariants').flatMap((call) => call.variables.variants);
      expect(registered).toEqual(expect.arrayContaining(created.variants.map((variant) => ({ variantId: variant.id, storeId }))));
    });
  });
});

describe('changing products and variants', () => {
  const UPDATE = `mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) {
    name brand description category { slug } imageUrls } }`;
  const ADD = `mutation ($id: ID!, $input: ProductVariantInput!) { addProductVariant(productId: $id, input: $input) { id sku price { amount currency } } }`;
  const UPDATE_VARIANT = `mutation ($id: ID!, $input: UpdateProductVariantInput!) { updateProductVariant(id: $id, input: $input) {
    sku options { name value } price { amount } } }`;
  const REMOVE_VARIANT = `mutation ($id: ID!) { removeProductVariant(id: $id) }`;
  const DELETE = `mutation ($id: ID!) { deleteProduct(id: $id) }`;

  it('caps a unit price at 1000000000 when a variant is listed, added or repriced, so no Int-sized price reaches a cart', async () => {
    const field = async (mutation: string, variables: Record<string, unknown>) => (await api.error(mutation, variables, member(owner))).extensions;
    const tooHigh = [{ sku: uniqueSku('QA-HP'), options: [], price: 2_147_483_647 }];
    expect(await field(CREATE_PRODUCT, { input: productInput({ variants: tooHigh }) })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variants[0].price' });
    const product = await createProductAs(catalog.subgraph.url, owner, storeId, {}, [1_000_000_000]);
    const variantId = product.variants[0]!.id;
    expect(await field(ADD, { id: product.id, input: { sku: uniqueSku(), options: [{ name: 'n', value: 'x' }], price: 1_000_000_001 } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.price',
    });
    const repriced = await api.error(UPDATE_VARIANT, { id: variantId, input: { price: 2_147_483_647 } }, member(owner));
    expect(repriced).toMatchObject({ message: 'input.price must be at most 1000000000.', extensions: { code: 'BAD_USER_INPUT', field: 'input.price' } });
    const unchanged = await api.data(`query ($id: ID!) { product(id: $id) { variants { price { amount } } } }`, { id: product.id });
    expect(unchanged.product.variants).toEqual([{ price: { amount: 1_000_000_000 } }]);
  });

  it('is for the store owner or an admin only', async () => {
    const product = await createProductAs(catalog.subgraph.url, owner, storeId, {}, [1_000, 2_000]);
    const variantId = product.variants[0]!.id;
    const stranger = member(newMemberId());
    const attempts: [string, Record<string, unknown>][] = [
      [UPDATE, { id: product.id, input: { name: 'X' } }],
      [ADD, { id: product.id, input: { sku: uniqueSku(), price: 1 } }],
      [UPDATE_VARIANT, { id: variantId, input: { price: 1 } }],
      [REMOVE_VARIANT, { id: variantId }],
      [DELETE, { id: product.id }],
    ];
    for (const [mutation, variables] of attempts) {
      expect(await api.errorCode(mutation, variables)).toBe('UNAUTHENTICATED');
      expect(await api.errorCode(mutation, variables, stranger)).toBe('FORBIDDEN');
    }
    const unchanged = await api.data(`query ($id: ID!) { product(id: $id) { name variants { price { amount } } } }`, { id: product.id });
    expect(unchanged.product).toEqual({ name: 'Test product', variants: [{ price: { amount: 1_000 } }, { price: { amount: 2_000 } }] });
    const byAdmin = await api.data(UPDATE, { id: product.id, input: { name: 'Admin renamed' } }, admin());
    expect(byAdmin.updateProduct.name).toBe('Admin renamed');
  });

  it('updates details, clears optional ones with null and manages variants', async () => {
    const product = await createProductAs(catalog.subgraph.url, owner, storeId, { brand: 'B', categoryId: demoId('category:home') }, [5_000]);
    const updated = await api.data(UPDATE, { id: product.id, input: { name: 'New name', brand: null, categoryId: null, imageUrls: [] } }, member(owner));
    expect(updated.updateProduct).toEqual({ name: 'New name', brand: null, description: null, category: null, imageUrls: [] });

    const sku = uniqueSku();
    const added = await api.data(ADD, { id: product.id, input: { sku, options: [{ name: 'n', value: 'x' }], price: 4_000 } }, member(owner));
    expect(added.addProductVariant).toMatchObject({ sku, price: { amount: 4_000, currency: 'KRW' } });
    const addedAgain = await api.error(ADD, { id: product.id, input: { sku, options: [{ name: 'n', value: 'y' }], price: 1 } }, member(owner));
    expect(addedAgain.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.sku' });

    const changed = await api.data(
      UPDATE_VARIANT,
      { id: added.addProductVariant.id, input: { price: 3_500, options: [{ name: 'n', value: 'z' }] } },
      member(owner),
    );
    expect(changed.updateProductVariant).toEqual({ sku, options: [{ name: 'n', value: 'z' }], price: { amount: 3_500 } });

    expect((await api.data(REMOVE_VARIANT, { id: product.variants[0]!.id }, member(owner))).removeProductVariant).toBe(product.variants[0]!.id);
    expect(await api.errorCode(REMOVE_VARIANT, { id: added.addProductVariant.id }, member(owner))).toBe('CONFLICT');

    expect((await api.data(DELETE, { id: product.id }, member(owner))).deleteProduct).toBe(product.id);
    expect(await api.errorCode(`query ($id: ID!) { product(id: $id) { id } }`, { id: product.id })).toBe('NOT_FOUND');
    expect(await api.errorCode(`query ($id: ID!) { productVariant(id: $id) { id } }`, { id: added.addProductVariant.id })).toBe('NOT_FOUND');
  });
});

describe('likes', () => {
  const LIKE = `mutation ($id: ID!) { likeProduct(productId: $id) { id likeCount likedByMe } }`;
  const UNLIKE = `mutation ($id: ID!) { unlikeProduct(productId: $id) { id likeCount likedByMe } }`;

  it('are idempotent and tell each member whether they like the product', async () => {
    const { id } = await createProductAs(catalog.subgraph.url, owner, storeId);
    const fan = newMemberId();
    expect(await api.errorCode(LIKE, { id })).toBe('UNAUTHENTICATED');
    expect((await api.data(LIKE, { id }, member(fan))).likeProduct).toEqual({ id, likeCount: 1, likedByMe: true });
    expect((await api.data(LIKE, { id }, member(fan))).likeProduct).toEqual({ id, likeCount: 1, likedByMe: true });
    const seen = `query ($id: ID!) { product(id: $id) { likeCount likedByMe } }`;
    expect((await api.data(seen, { id }, member(newMemberId()))).product).toEqual({ likeCount: 1, likedByMe: false });
    expect((await api.data(UNLIKE, { id }, member(fan))).unlikeProduct).toEqual({ id, likeCount: 0, likedByMe: false });
    expect((await api.data(UNLIKE, { id }, member(fan))).unlikeProduct).toEqual({ id, likeCount: 0, likedByMe: false });
    expect(await api.errorCode(LIKE, { id: '00000000-0000-7000-8000-000000000000' }, member(fan))).toBe('NOT_FOUND');
  });

  it('keep likeCount exact when many members like and unlike at once', async () => {
    const { id } = await createProductAs(catalog.subgraph.url, owner, storeId);
    const fans = Array.from({ length: 60 }, newMemberId);
    await Promise.all(fans.flatMap((fan) => [api.data(LIKE, { id }, member(fan)), api.data(LIKE, { id }, member(fan))]));
    expect((await api.data(`query ($id: ID!) { product(id: $id) { likeCount } }`, { id })).product.likeCount).toBe(60);

    await Promise.all([
      ...fans.slice(0, 25).flatMap((fan) => [api.data(UNLIKE, { id }, member(fan)), api.data(UNLIKE, { id }, member(fan))]),
      ...fans.slice(25, 45).flatMap((fan) => [api.data(UNLIKE, { id }, member(fan)), api.data(LIKE, { id }, member(fan))]),
      ...Array.from({ length: 10 }, newMemberId).map((fan) => api.data(LIKE, { id }, member(fan))),
    ]);
    const em = catalog.subgraph.app.orm.em.fork();
    const rows = await em.count(ProductLike, { product: id });
    const product = await em.findOneOrFail(Product, id);
    // 35 untouched-or-racing fans may or may not still like it; the counter must match the rows exactly.
    expect(product.likeCount).toBe(rows);
    expect(rows).toBeGreaterThanOrEqual(25);
    expect(rows).toBeLessThanOrEqual(45);
  });
});

describe('stock flags from inventory', () => {
  const SET = `mutation ($id: ID!, $inStock: Boolean!) { setVariantAvailability(variantId: $id, inStock: $inStock) }`;

  it('mark variants and products in stock, and filter listings', async () => {
    const product = await createProductAs(catalog.subgraph.url, owner, storeId, { name: 'Stock probe' }, [1_000, 2_000]);
    const inStockIds = async (inStock: boolean) =>
      (await api.data(`query ($f: ProductFilter) { products(filter: $f, first: 100) { edges { node { id } } } }`, { f: { storeId, inStock } }))
        .products.edges.map((edge: any) => edge.node.id);
    expect(await inStockIds(true)).not.toContain(product.id);
    expect(await inStockIds(false)).toContain(product.id);

    expect((await api.data(SET, { id: product.variants[1]!.id, inStock: true }, asService('inventory'))).setVariantAvailability).toBe(true);
    const seen = await api.data(`query ($id: ID!) { product(id: $id) { inStock variants { inStock } } }`, { id: product.id });
    expect(seen.product).toEqual({ inStock: true, variants: [{ inStock: false }, { inStock: true }] });
    expect(await inStockIds(true)).toContain(product.id);
    expect(await inStockIds(false)).not.toContain(product.id);

    expect((await api.data(SET, { id: '00000000-0000-7000-8000-000000000000', inStock: true }, asService('inventory'))).setVariantAvailability).toBe(false);
  });

  it('are seeded from the demo stock', async () => {
    const data = await api.data(`query ($id: ID!) { product(id: $id) { inStock variants { inStock } } }`, { id: demoId('product:camp-chair') });
    expect(data.product).toEqual({ inStock: true, variants: [{ inStock: true }, { inStock: true }] });
  });

  it('can be set only by services: members get FORBIDDEN, anonymous callers UNAUTHENTICATED', async () => {
    const variables = { id: demoId('variant:camp-chair-sand'), inStock: false };
    expect(await api.errorCode(SET, variables, member(newMemberId()))).toBe('FORBIDDEN');
    expect(await api.errorCode(SET, variables, admin())).toBe('FORBIDDEN');
    expect(await api.errorCode(SET, variables)).toBe('UNAUTHENTICATED');
    const data = await api.data(`query ($id: ID!) { productVariant(id: $id) { inStock } }`, { id: variables.id });
    expect(data.productVariant.inStock).toBe(true);
  });
});
