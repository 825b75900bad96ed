import { randomUUID } from 'node:crypto';
import { graphqlData, graphqlRequest } from '@commerce/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LowStockAlert } from '../src/low-stock/low-stock-alert.entity.js';
import { StockReturn } from '../src/reservation/stock-return.entity.js';
import { stockChannel } from '../src/stock/stock-events.publisher.js';
import { StockLevel } from '../src/stock/stock-level.entity.js';
import { StockMovementKind } from '../src/stock/stock-movement-kind.js';
import { StockMovement } from '../src/stock/stock-movement.entity.js';
import { COMMIT, errorCode, eventually, openShop, ORDERS, RESERVE, type RunningInventory, SET_THRESHOLD, startInventory, stockOf } from './support/inventory-harness.js';

const RETURN = `mutation ($key: String!, $lines: [StockLineInput!]!, $reason: String!) { returnStock(key: $key, lines: $lines, reason: $reason) }`;

let inventory: RunningInventory;
let subscriber: Redis;
const received: { channel: string; message: any }[] = [];
beforeAll(async () => {
  inventory = await startInventory('stock-return');
  subscriber = new Redis(inventory.env.config.REDIS_URL);
  await subscriber.psubscribe(`${inventory.env.config.REDIS_KEY_PREFIX}inventory:*`);
  subscriber.on('pmessage', (_pattern, channel, message) => received.push({ channel, message: JSON.parse(message) }));
});
afterAll(async () => {
  subscriber?.disconnect();
  await inventory?.close();
});

const returnStock = (key: string, lines: { variantId: string; quantity: number }[], reason = 'order cancelled') =>
  graphqlData(inventory.url, RETURN, { key, lines, reason }, ORDERS).then((data) => data.returnStock as boolean);
const returnsOf = (variantId: string) =>
  inventory.app.orm.em.fork().find(StockMovement, { variantId, kind: StockMovementKind.RETURN }, { orderBy: { id: 'asc' } });

/** Sells `quantity` units of each variant the way checkout does: reserve, then commit. */
async function sell(lines: { variantId: string; quantity: number }[]) {
  const key = `order-${randomUUID()}`;
  expect((await graphqlData(inventory.url, RESERVE, { key, lines }, ORDERS)).reserveStock.status).toBe('HELD');
  expect((await graphqlData(inventory.url, COMMIT, { key }, ORDERS)).commitStockReservation).toBe(true);
  return key;
}

describe('returnStock', () => {
  it('puts sold units back on hand with a RETURN movement per line, naming the calling service', async () => {
    const shop = await openShop(inventory.url, [5, 4]);
    const [a, b] = shop.variantIds as [string, string];
    await sell([{ variantId: a, quantity: 3 }, { variantId: b, quantity: 1 }]);
    expect(await stockOf(inventory.url, a)).toMatchObject({ onHand: 2, available: 2 });
    expect(await returnStock('return:1', [{ variantId: b, quantity: 1 }, { variantId: a, quantity: 3 }])).toBe(true);
    expect(await stockOf(inventory.url, a)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
    expect(await stockOf(inventory.url, b)).toMatchObject({ onHand: 4, available: 4 });
    const [movement] = await returnsOf(a);
    expect(movement).toMatchObject({ kind: StockMovementKind.RETURN, delta: 3, actorService: 'orders', actorId: null });
    expect(movement!.reason).toContain('order cancelled');
  });

  it('is idempotent per key: repeats, sequential or concurrent, answer true and change nothing', async () => {
    const shop = await openShop(inventory.url, [6]);
    const variantId = shop.variantIds[0]!;
    await sell([{ variantId, quantity: 4 }]);
    const key = `return:${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => returnStock(key, [{ variantId, quantity: 4 }])));
    expect(answers).toEqual(Array(8).fill(true));
    expect(await returnStock(key, [{ variantId, quantity: 4 }])).toBe(true);
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 6, available: 6 });
    expect(await returnsOf(variantId)).toHaveLength(1);
    // Another key is another return.
    expect(await returnStock(`return:${randomUUID()}`, [{ variantId, quantity: 1 }])).toBe(true);
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 7 });
  });

  it('tells the catalog the variant is back in stock when available goes from 0 above 0, and publishes after commit', async () => {
    const shop = await openShop(inventory.url, [2]);
    const variantId = shop.variantIds[0]!;
    await sell([{ variantId, quantity: 2 }]);
    const flags = () => inventory.catalogCalls.filter((call) => call.variables.variantId === variantId).map((call) => call.variables.inStock);
    await eventually(() => expect(flags().at(-1)).toBe(false));
    await returnStock(`return:${randomUUID()}`, [{ variantId, quantity: 2 }]);
    await eventually(() => expect(flags().at(-1)).toBe(true));
    await eventually(() =>
      expect(received.filter((event) => event.channel === stockChannel(inventory.env.config.REDIS_KEY_PREFIX, variantId)).at(-1)?.message).toMatchObject({
        onHand: 2,
        reserved: 0,
        available: 2,
      }),
    );
  });

  it('re-arms the low-stock alert once available is back at the threshold, so the next crossing alerts again', async () => {
    const shop = await openShop(inventory.url, [8]);
    const variantId = shop.variantIds[0]!;
    await graphqlData(inventory.url, SET_THRESHOLD, { variantId, threshold: 5 }, shop.owner);
    await sell([{ variantId, quantity: 4 }]); // 4 < 5: alerts, disarms
    const alerts = () => inventory.app.orm.em.fork().find(LowStockAlert, { variantId });
    expect(await alerts()).toHaveLength(1);
    await returnStock(`return:${randomUUID()}`, [{ variantId, quantity: 4 }]);
    expect((await inventory.app.orm.em.fork().findOneOrFail(StockLevel, { variantId })).lowStockArmed).toBe(true);
    await sell([{ variantId, quantity: 4 }]);
    expect(await alerts()).toHaveLength(2);
  });

  it('is for services only, refuses bad input, and keeps nothing of a return that failed', async () => {
    const shop = await openShop(inventory.url, [1]);
    const variantId = shop.variantIds[0]!;
    const lines = [{ variantId, quantity: 1 }];
    const asOwner = await graphqlRequest(inventory.url, RETURN, { key: 'k', lines, reason: 'r' }, shop.owner);
    expect(errorCode(asOwner)).toBe('FORBIDDEN');
    expect(errorCode(await graphqlRequest(inventory.url, RETURN, { key: 'k', lines, reason: 'r' }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await graphqlRequest(inventory.url, RETURN, { key: 'k', lines: [{ variantId, quantity: 0 }], reason: 'r' }, ORDERS))).toBe('BAD_USER_INPUT');
    expect(errorCode(await graphqlRequest(inventory.url, RETURN, { key: 'k', lines, reason: ' ' }, ORDERS))).toBe('BAD_USER_INPUT');
    const key = `return:${randomUUID()}`;
    const unknown = await graphqlRequest(inventory.url, RETURN, { key, lines: [...lines, { variantId: randomUUID(), quantity: 1 }], reason: 'r' }, ORDERS);
    expect(errorCode(unknown)).toBe('NOT_FOUND');
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 1 });
    expect(await inventory.app.orm.em.fork().findOne(StockReturn, { key })).toBeNull();
  });
});
