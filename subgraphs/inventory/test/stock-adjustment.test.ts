import { randomUUID } from 'node:crypto';
import { asMember, graphqlData, graphqlRequest } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StockMovementKind } from '../src/stock/stock-movement-kind.js';
import { StockMovement } from '../src/stock/stock-movement.entity.js';
import { ADJUST_STOCK, adjust, errorCode, openShop, type RunningInventory, SET_THRESHOLD, startInventory, stockOf } from './support/inventory-harness.js';

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
