import { randomUUID } from 'node:crypto';
import { demoId, demoProducts, demoStores, demoVariants } from '@commerce/demo-data';
import { asMember, graphqlData, graphqlRequest } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedInventory } from '../src/demo.seed.js';
import { StockLevel } from '../src/stock/stock-level.entity.js';
import { StoreOwner } from '../src/store/store-owner.entity.js';
import { ADJUST_STOCK, CATALOG, errorCode, type RunningInventory, startInventory, stockOf } from './support/inventory-harness.js';

let inventory: RunningInventory;
beforeAll(async () => {
  inventory = await startInventory('store-registration', { SEED_DEMO: true });
});
afterAll(() => inventory?.close());

const REGISTER_STORE = `mutation ($s: ID!, $o: ID!) { registerStore(storeId: $s, ownerId: $o) }`;
const REGISTER_VARIANTS = `mutation ($v: [RegisterVariantInput!]!) { registerVariants(variants: $v) }`;

describe('registerStore and registerVariants', () => {
  it('record owners and create empty stock rows, idempotently', async () => {
    const [storeId, ownerId, newOwnerId, variantId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (let round = 0; round < 2; round++) {
      expect((await graphqlData(inventory.url, REGISTER_STORE, { s: storeId, o: ownerId }, CATALOG)).registerStore).toBe(true);
      expect((await graphqlData(inventory.url, REGISTER_VARIANTS, { v: [{ variantId, storeId }] }, CATALOG)).registerVariants).toBe(true);
    }
    const em = inventory.app.orm.em.fork();
    expect(await em.find(StockLevel, { variantId })).toEqual([expect.objectContaining({ storeId, onHand: 0, reserved: 0 })]);
    const owner = asMember(ownerId, ['SELLER']);
    expect((await graphqlData(inventory.url, ADJUST_STOCK, { variantId, delta: 2, reason: 'first delivery' }, owner)).adjustStock.onHand).toBe(2);
    // Registering again leaves the stock alone; a new owner takes over the store.
    await graphqlData(inventory.url, REGISTER_VARIANTS, { v: [{ variantId, storeId }] }, CATALOG);
    await graphqlData(inventory.url, REGISTER_STORE, { s: storeId, o: newOwnerId }, CATALOG);
    expect((await stockOf(inventory.url, variantId)).onHand).toBe(2);
    expect(errorCode(await graphqlRequest(inventory.url, ADJUST_STOCK, { variantId, delta: 1, reason: 'x' }, owner))).toBe('FORBIDDEN');
    const next = asMember(newOwnerId, ['SELLER']);
    expect((await graphqlData(inventory.url, ADJUST_STOCK, { variantId, delta: 1, reason: 'x' }, next)).adjustStock.onHand).toBe(3);
  });

  it('are refused to members and anonymous callers', async () => {
    const admin = asMember(randomUUID(), ['ADMIN', 'SELLER']);
    const store = { s: randomUUID(), o: randomUUID() };
    const variants = { v: [{ variantId: randomUUID(), storeId: store.s }] };
    expect(errorCode(await graphqlRequest(inventory.url, REGISTER_STORE, store, admin))).toBe('FORBIDDEN');
    expect(errorCode(await graphqlRequest(inventory.url, REGISTER_VARIANTS, variants, admin))).toBe('FORBIDDEN');
    expect(errorCode(await graphqlRequest(inventory.url, REGISTER_STORE, store))).toBe('UNAUTHENTICATED');
    expect(errorCode(await graphqlRequest(inventory.url, REGISTER_VARIANTS, variants))).toBe('UNAUTHENTICATED');
    expect(await inventory.app.orm.em.fork().count(StoreOwner, { storeId: store.s })).toBe(0);
  });

  it('refuse malformed ids', async () => {
    expect(errorCode(await graphqlRequest(inventory.url, REGISTER_STORE, { s: 'store-1', o: randomUUID() }, CATALOG))).toBe('BAD_USER_INPUT');
    expect(errorCode(await graphqlRequest(inventory.url, REGISTER_VARIANTS, { v: [{ variantId: 'x', storeId: randomUUID() }] }, CATALOG))).toBe(
      'BAD_USER_INPUT',
    );
  });
});

describe('demo seed', () => {
  it('registers the demo stores and gives every demo variant its store, so sellers manage their own stock', async () => {
    const em = inventory.app.orm.em.fork();
    for (const store of demoStores) {
      expect(await em.findOneOrFail(StoreOwner, { storeId: demoId(store.key) })).toMatchObject({ ownerId: demoId(store.owner) });
    }
    for (const variant of demoVariants) {
      expect(await em.findOneOrFail(StockLevel, { variantId: demoId(variant.key) })).toMatchObject({ storeId: demoId(variant.product.store) });
    }
    const chairSand = await em.findOneOrFail(StockLevel, { variantId: demoId('variant:camp-chair-sand') });
    expect(chairSand).toMatchObject({ onHand: 8, lowStockThreshold: 10, lowStockArmed: false });

    const shirt = demoId('variant:linen-shirt-s');
    expect(demoProducts.find((product) => product.key === 'product:linen-shirt')!.store).toBe('store:mina-atelier');
    const mina = asMember(demoId('member:mina'), ['SELLER']);
    const joon = asMember(demoId('member:joon'), ['SELLER']);
    expect((await graphqlData(inventory.url, ADJUST_STOCK, { variantId: shirt, delta: 1, reason: 'recount' }, mina)).adjustStock.onHand).toBe(41);
    expect(errorCode(await graphqlRequest(inventory.url, ADJUST_STOCK, { variantId: shirt, delta: 1, reason: 'x' }, joon))).toBe('FORBIDDEN');
  });

  it('writes nothing a second time, and fills in stores on a database seeded before stores were tracked', async () => {
    expect(await seedInventory(inventory.app.orm.em.fork())).toBe(false);
    const connection = inventory.app.orm.em.fork().getConnection();
    await connection.execute(`update "inventory"."stock_level" set store_id = null where variant_id = ?`, [demoId('variant:enamel-mug-white')]);
    await connection.execute(`delete from "inventory"."store_owner" where store_id = ?`, [demoId('store:joon-gear')]);
    expect(await seedInventory(inventory.app.orm.em.fork())).toBe(true);
    const em = inventory.app.orm.em.fork();
    expect((await em.findOneOrFail(StockLevel, { variantId: demoId('variant:enamel-mug-white') })).storeId).toBe(demoId('store:joon-gear'));
    expect(await em.count(StoreOwner, { storeId: demoId('store:joon-gear') })).toBe(1);
    expect(await seedInventory(inventory.app.orm.em.fork())).toBe(false);
  });
});
