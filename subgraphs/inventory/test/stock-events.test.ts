import { randomUUID } from 'node:crypto';
import { graphqlData } from '@commerce/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lowStockChannel, stockChannel } from '../src/stock/stock-events.publisher.js';
import {
  ADJUST_STOCK,
  adjust,
  COMMIT,
  eventually,
  openShop,
  ORDERS,
  RELEASE,
  RESERVE,
  type RunningInventory,
  SET_THRESHOLD,
  startInventory,
} from './support/inventory-harness.js';

let inventory: RunningInventory;
let subscriber: Redis;
let prefix: string;
let received: { channel: string; message: any }[] = [];

beforeAll(async () => {
  inventory = await startInventory('stock-events', { RESERVATION_SWEEP_MS: 100 });
  prefix = inventory.env.config.REDIS_KEY_PREFIX;
  // A plain client, as the subscription transport will use: channels carry the prefix, keyPrefix plays no part.
  subscriber = new Redis(inventory.env.config.REDIS_URL);
  await subscriber.psubscribe(`${prefix}inventory:*`);
  subscriber.on('pmessage', (_pattern, channel, message) => received.push({ channel, message: JSON.parse(message) }));
});
afterAll(async () => {
  subscriber?.disconnect();
  await inventory?.close();
});
beforeEach(() => {
  received = [];
});

const stockEvents = (variantId: string) =>
  received.filter((event) => event.channel === stockChannel(prefix, variantId)).map((event) => event.message);

/** Waits a moment past the last expected event, so events that should not come have had their chance. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('stock events', () => {
  it('are published on the prefixed channel after an adjustment, with the numbers and time', async () => {
    const shop = await openShop(inventory.url, [0]);
    const variantId = shop.variantIds[0]!;
    const before = Date.now();
    await adjust(inventory.url, shop.owner, variantId, 6);
    const [event] = await eventually(() => {
      const events = stockEvents(variantId);
      expect(events).toHaveLength(1);
      return events;
    });
    expect(event).toEqual({ variantId, onHand: 6, reserved: 0, available: 6, at: expect.any(String) });
    expect(new Date(event.at).toISOString()).toBe(event.at);
    expect(new Date(event.at).getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(received.every((event) => event.channel.startsWith(`${prefix}inventory:stock:`))).toBe(true);
  });

  it('follow a reservation, its commit, another reservation and its release', async () => {
    const shop = await openShop(inventory.url, [10]);
    const variantId = shop.variantIds[0]!;
    await settle();
    received = [];
    const [sold, given] = [randomUUID(), randomUUID()];
    await graphqlData(inventory.url, RESERVE, { key: sold, lines: [{ variantId, quantity: 3 }] }, ORDERS);
    await graphqlData(inventory.url, COMMIT, { key: sold }, ORDERS);
    await graphqlData(inventory.url, RESERVE, { key: given, lines: [{ variantId, quantity: 2 }] }, ORDERS);
    await graphqlData(inventory.url, RELEASE, { key: given }, ORDERS);
    await eventually(() => expect(stockEvents(variantId)).toHaveLength(4));
    expect(stockEvents(variantId).map(({ onHand, reserved, available }) => ({ onHand, reserved, available }))).toEqual([
      { onHand: 10, reserved: 3, available: 7 },
      { onHand: 7, reserved: 0, available: 7 },
      { onHand: 7, reserved: 2, available: 5 },
      { onHand: 7, reserved: 0, available: 7 },
    ]);
    // Repeating an idempotent call changes nothing and so publishes nothing.
    await graphqlData(inventory.url, COMMIT, { key: sold }, ORDERS);
    await settle();
    expect(stockEvents(variantId)).toHaveLength(4);
  });

  it('are published when a reservation expires and its units come back', async () => {
    const shop = await openShop(inventory.url, [4]);
    const variantId = shop.variantIds[0]!;
    await graphqlData(inventory.url, RESERVE, { key: randomUUID(), lines: [{ variantId, quantity: 4 }], ttl: 1 }, ORDERS);
    await eventually(() =>
      expect(stockEvents(variantId).at(-1)).toMatchObject({ onHand: 4, reserved: 0, available: 4 }),
    );
    expect(stockEvents(variantId).map((event) => event.reserved)).toEqual([0, 4, 0]);
  });

  it('are not published for a change that rolled back or was refused', async () => {
    const shop = await openShop(inventory.url, [5, 1]);
    const [a, b] = shop.variantIds as [string, string];
    await settle();
    received = [];
    // Lines are applied in variant id order: the first one is reserved, then the second fails and both roll back.
    const [first, second] = [a, b].sort();
    const lines = [{ variantId: second, quantity: 6 }, { variantId: first, quantity: 1 }];
    const refused = await graphqlData(inventory.url, RESERVE, { key: randomUUID(), lines }, ORDERS);
    expect(refused.reserveStock.__typename).toBe('OutOfStock');
    const negative = await graphqlData(inventory.url, ADJUST_STOCK, { variantId: a, delta: -50, reason: 'x' }, shop.owner);
    expect(negative.adjustStock.__typename).toBe('StockWouldGoNegative');
    await graphqlData(inventory.url, SET_THRESHOLD, { variantId: a, threshold: 1 }, shop.owner);
    await settle();
    expect(received).toEqual([]);
  });
});

describe('low-stock events', () => {
  it('are published on the store channel once the alert is stored', async () => {
    const shop = await openShop(inventory.url, [10]);
    const variantId = shop.variantIds[0]!;
    await graphqlData(inventory.url, SET_THRESHOLD, { variantId, threshold: 5 }, shop.owner);
    await adjust(inventory.url, shop.owner, variantId, -7);
    await adjust(inventory.url, shop.owner, variantId, -1);
    const channel = lowStockChannel(prefix, shop.storeId);
    const alerts = await eventually(() => {
      const events = received.filter((event) => event.channel === channel).map((event) => event.message);
      expect(events).toHaveLength(1);
      return events;
    });
    const [stored] = await graphqlData(
      inventory.url,
      `query ($s: ID!) { lowStockAlerts(storeId: $s) { edges { node { id at } } } }`,
      { s: shop.storeId },
      shop.owner,
    ).then((data) => data.lowStockAlerts.edges.map((edge: any) => edge.node));
    expect(alerts[0]).toEqual({ id: stored.id, storeId: shop.storeId, variantId, available: 3, threshold: 5, at: stored.at });
    await settle();
    expect(received.filter((event) => event.channel === channel)).toHaveLength(1);
  });
});
