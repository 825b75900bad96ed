import { randomUUID } from 'node:crypto';
import { asMember, graphqlData, graphqlRequest } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StockMovementKind } from '../src/stock/stock-movement-kind.js';
import { StockMovement } from '../src/stock/stock-movement.entity.js';
import { MAX_ON_HAND } from '../src/stock/stock-change.js';
import {
  ADJUST_STOCK,
  adjust,
  CREATE_TIME_SALE,
  errorCode,
  openShop,
  ORDERS,
  RESERVE,
  type RunningInventory,
  SET_THRESHOLD,
  startInventory,
  stockOf,
} from './support/inventory-harness.js';

let inventory: RunningInventory;
beforeAll(async () => {
  inventory = await startInventory('stock-adjust');
});
afterAll(() => inventory?.close());

const admin = asMember(randomUUID(), ['ADMIN']);
const stranger = asMember(randomUUID(), ['CUSTOMER', 'SELLER']);

describe('adjustStock', () => {
  it('changes on hand for the store owner and records who did it and why', async () => {
    const shop = await openShop(inventory.url, [0]);
    const variantId = shop.variantIds[0]!;
    const level = await adjust(inventory.url, shop.owner, variantId, 7, 'delivery 42');
    expect(level).toEqual({ __typename: 'StockLevel', onHand: 7, reserved: 0, available: 7, lowStockThreshold: 0, variant: { id: variantId } });
    const movements = await inventory.app.orm.em.fork().find(StockMovement, { variantId });
    expect(movements).toEqual([
      expect.objectContaining({ kind: StockMovementKind.ADJUSTMENT, delta: 7, reason: 'delivery 42', actorId: shop.ownerId, actorService: null }),
    ]);
  });

  it('lets an admin adjust any store, and refuses other members and anonymous callers', async () => {
    const shop = await openShop(inventory.url, [5]);
    const variables = { variantId: shop.variantIds[0], delta: 1, reason: 'recount' };
    expect((await graphqlData(inventory.url, ADJUST_STOCK, variables, admin)).adjustStock.onHand).toBe(6);
    expect(errorCode(await graphqlRequest(inventory.url, ADJUST_STOCK, variables, stranger))).toBe('FORBIDDEN');
    expect(errorCode(await graphqlRequest(inventory.url, ADJUST_STOCK, variables))).toBe('UNAUTHENTICATED');
    expect(errorCode(await graphqlRequest(inventory.url, ADJUST_STOCK, { ...variables, variantId: randomUUID() }, admin))).toBe('NOT_FOUND');
    expect(errorCode(await graphqlRequest(inventory.url, ADJUST_STOCK, { ...variables, delta: 0 }, admin))).toBe('BAD_USER_INPUT');
    expect(errorCode(await graphqlRequest(inventory.url, ADJUST_STOCK, { ...variables, reason: ' ' }, admin))).toBe('BAD_USER_INPUT');
    expect((await stockOf(inventory.url, shop.variantIds[0]!)).onHand).toBe(6);
  });

  it('returns StockWouldGoNegative instead of leaving fewer than zero units available, reserved ones included', async () => {
    const shop = await openShop(inventory.url, [5]);
    const variantId = shop.variantIds[0]!;
    await inventory.app.orm.em.fork().getConnection().execute(`update "inventory"."stock_level" set reserved = 2 where variant_id = ?`, [variantId]);
    const refused = await graphqlData(inventory.url, ADJUST_STOCK, { variantId, delta: -4, reason: 'damaged' }, shop.owner);
    expect(refused.adjustStock).toMatchObject({ __typename: 'StockWouldGoNegative', code: 'STOCK_WOULD_GO_NEGATIVE', variantId, delta: -4, available: 3 });
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
    expect((await adjust(inventory.url, shop.owner, variantId, -3)).available).toBe(0);
  });

  it('refuses with BAD_USER_INPUT, writing nothing, a delta that would put more than 2147483647 on hand', async () => {
    const shop = await openShop(inventory.url, [5]);
    const variantId = shop.variantIds[0]!;
    const refused = await graphqlRequest(inventory.url, ADJUST_STOCK, { variantId, delta: 2_147_483_647, reason: 'x' }, shop.owner);
    expect(refused.errors?.[0]).toMatchObject({
      message: 'Adding 2147483647 units would put 2147483652 on hand; at most 2147483647 fit.',
      extensions: { code: 'BAD_USER_INPUT', field: 'delta' },
    });
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 5, available: 5 });
    expect(await inventory.app.orm.em.fork().count(StockMovement, { variantId })).toBe(1);
    // Up to the limit itself is fine, and one more is refused from there.
    expect((await adjust(inventory.url, shop.owner, variantId, MAX_ON_HAND - 5)).onHand).toBe(MAX_ON_HAND);
    expect(errorCode(await graphqlRequest(inventory.url, ADJUST_STOCK, { variantId, delta: 1, reason: 'x' }, shop.owner))).toBe('BAD_USER_INPUT');
    expect((await adjust(inventory.url, shop.owner, variantId, -MAX_ON_HAND)).onHand).toBe(0);
  });

  it('answers every other change near the limit as usual, never with "integer out of range"', async () => {
    const shop = await openShop(inventory.url, [MAX_ON_HAND]);
    const variantId = shop.variantIds[0]!;
    // All but 5 units promised: one more reservation of any size must weigh against 5, not overflow the column.
    await inventory.app.orm.em.fork().getConnection().execute(`update "inventory"."stock_level" set reserved = ? where variant_id = ?`, [MAX_ON_HAND - 5, variantId]);
    const reserved = await graphqlData(inventory.url, RESERVE, { key: `order-${randomUUID()}`, lines: [{ variantId, quantity: 1_000 }] }, ORDERS);
    expect(reserved.reserveStock).toMatchObject({ __typename: 'OutOfStock', requested: 1_000, available: 5 });
    const sale = {
      variantId,
      price: 9_900,
      quantity: 1_000_000,
      perMemberLimit: 1,
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    };
    const created = await graphqlData(inventory.url, CREATE_TIME_SALE, { input: sale }, shop.owner);
    expect(created.createTimeSale).toMatchObject({ __typename: 'InsufficientStock', requested: 1_000_000, available: 5 });
    const returned = await graphqlRequest(
      inventory.url,
      'mutation ($key: String!, $lines: [StockLineInput!]!) { returnStock(key: $key, lines: $lines, reason: "cancelled") }',
      { key: `return:${randomUUID()}`, lines: [{ variantId, quantity: 1 }] },
      ORDERS,
    );
    expect(returned.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lines' });
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: MAX_ON_HAND, reserved: MAX_ON_HAND - 5, available: 5 });
  });

  it('stays exact under concurrent adjustments: never below zero, every success in the ledger', async () => {
    const shop = await openShop(inventory.url, [10]);
    const variantId = shop.variantIds[0]!;
    const results = await Promise.all(
      Array.from({ length: 25 }, () => graphqlData(inventory.url, ADJUST_STOCK, { variantId, delta: -1, reason: 'sold at the fair' }, shop.owner)),
    );
    const typenames = results.map((data) => data.adjustStock.__typename);
    expect(typenames.filter((name) => name === 'StockLevel')).toHaveLength(10);
    expect(typenames.filter((name) => name === 'StockWouldGoNegative')).toHaveLength(15);
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 0, available: 0 });
    const ledger = await inventory.app.orm.em.fork().find(StockMovement, { variantId, delta: -1 });
    expect(ledger).toHaveLength(10);
  });
});

describe('setLowStockThreshold', () => {
  it('is for the store owner or an admin', async () => {
    const shop = await openShop(inventory.url, [30]);
    const variables = { variantId: shop.variantIds[0], threshold: 12 };
    expect((await graphqlData(inventory.url, SET_THRESHOLD, variables, shop.owner)).setLowStockThreshold).toEqual({
      onHand: 30,
      available: 30,
      lowStockThreshold: 12,
    });
    expect((await graphqlData(inventory.url, SET_THRESHOLD, { ...variables, threshold: 3 }, admin)).setLowStockThreshold.lowStockThreshold).toBe(3);
    expect(errorCode(await graphqlRequest(inventory.url, SET_THRESHOLD, variables, stranger))).toBe('FORBIDDEN');
    expect(errorCode(await graphqlRequest(inventory.url, SET_THRESHOLD, variables))).toBe('UNAUTHENTICATED');
    expect(errorCode(await graphqlRequest(inventory.url, SET_THRESHOLD, { ...variables, threshold: -1 }, admin))).toBe('BAD_USER_INPUT');
  });
});
