import { randomUUID } from 'node:crypto';
import { asMember, graphqlData, graphqlRequest } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LowStockAlert } from '../src/low-stock/low-stock-alert.entity.js';
import { ADJUST_STOCK, adjust, errorCode, openShop, ORDERS, RESERVE, type RunningInventory, SET_THRESHOLD, startInventory } from './support/inventory-harness.js';

let inventory: RunningInventory;
beforeAll(async () => {
  inventory = await startInventory('low-stock');
});
afterAll(() => inventory?.close());

const ALERTS = `query ($storeId: ID!, $unreadOnly: Boolean, $first: Int, $after: String) {
  lowStockAlerts(storeId: $storeId, unreadOnly: $unreadOnly, first: $first, after: $after) {
    edges { cursor node { id variant { id } available threshold at readAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const MARK_READ = `mutation ($id: ID!) { markAlertRead(id: $id) { id readAt } }`;

const alertsOf = (variantId: string) => inventory.app.orm.em.fork().find(LowStockAlert, { variantId }, { orderBy: { id: 'asc' } });

async function shopWithThreshold(onHand: number, threshold: number) {
  const shop = await openShop(inventory.url, [onHand]);
  await graphqlData(inventory.url, SET_THRESHOLD, { variantId: shop.variantIds[0], threshold }, shop.owner);
  return { ...shop, variantId: shop.variantIds[0]! };
}

describe('low-stock alerts', () => {
  it('fire exactly once for a crossing, however many concurrent decrements cross it', async () => {
    const shop = await shopWithThreshold(30, 10);
    await Promise.all(
      Array.from({ length: 25 }, () => graphqlData(inventory.url, ADJUST_STOCK, { variantId: shop.variantId, delta: -1, reason: 'sold' }, shop.owner)),
    );
    const alerts = await alertsOf(shop.variantId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ storeId: shop.storeId, available: 9, threshold: 10, readAt: null });
  });

  it('do not fire again while stock stays below, and re-arm once it is back at the threshold', async () => {
    const shop = await shopWithThreshold(12, 10);
    await adjust(inventory.url, shop.owner, shop.variantId, -3); // 9: crosses
    await adjust(inventory.url, shop.owner, shop.variantId, -4); // 5: still below
    await adjust(inventory.url, shop.owner, shop.variantId, 3); // 8: still below
    expect(await alertsOf(shop.variantId)).toHaveLength(1);
    await adjust(inventory.url, shop.owner, shop.variantId, 2); // 10: at the threshold, re-armed
    expect(await alertsOf(shop.variantId)).toHaveLength(1);
    await adjust(inventory.url, shop.owner, shop.variantId, -1); // 9: crosses again
    expect((await alertsOf(shop.variantId)).map((alert) => alert.available)).toEqual([9, 9]);
  });

  it('count reservations: a reservation that takes available below the threshold alerts', async () => {
    const shop = await shopWithThreshold(10, 5);
    await graphqlData(inventory.url, RESERVE, { key: randomUUID(), lines: [{ variantId: shop.variantId, quantity: 6 }] }, ORDERS);
    expect(await alertsOf(shop.variantId)).toEqual([expect.objectContaining({ available: 4, threshold: 5 })]);
  });

  it('fire when the threshold is raised above what is available, and never for threshold 0', async () => {
    const shop = await shopWithThreshold(4, 0);
    await adjust(inventory.url, shop.owner, shop.variantId, -4);
    expect(await alertsOf(shop.variantId)).toHaveLength(0);
    await graphqlData(inventory.url, SET_THRESHOLD, { variantId: shop.variantId, threshold: 3 }, shop.owner);
    expect(await alertsOf(shop.variantId)).toEqual([expect.objectContaining({ available: 0, threshold: 3 })]);
  });
});

describe('lowStockAlerts and markAlertRead', () => {
  it('list a store\'s alerts newest first for its owner, page through them, and filter unread ones', async () => {
    const shop = await openShop(inventory.url, [20, 20, 20]);
    for (const variantId of shop.variantIds) {
      await graphqlData(inventory.url, SET_THRESHOLD, { variantId, threshold: 10 }, shop.owner);
      await adjust(inventory.url, shop.owner, variantId, -15);
    }
    const first = await graphqlData(inventory.url, ALERTS, { storeId: shop.storeId, first: 2 }, shop.owner);
    expect(first.lowStockAlerts.edges.map((edge: any) => edge.node.variant.id)).toEqual([shop.variantIds[2], shop.variantIds[1]]);
    expect(first.lowStockAlerts.edges[0].node).toMatchObject({ available: 5, threshold: 10, readAt: null });
    expect(first.lowStockAlerts.pageInfo.hasNextPage).toBe(true);
    const rest = await graphqlData(inventory.url, ALERTS, { storeId: shop.storeId, first: 2, after: first.lowStockAlerts.pageInfo.endCursor }, shop.owner);
    expect(rest.lowStockAlerts.edges.map((edge: any) => edge.node.variant.id)).toEqual([shop.variantIds[0]]);
    expect(rest.lowStockAlerts.pageInfo.hasNextPage).toBe(false);

    const newest = first.lowStockAlerts.edges[0].node.id;
    const read = await graphqlData(inventory.url, MARK_READ, { id: newest }, shop.owner);
    expect(read.markAlertRead.readAt).not.toBeNull();
    const again = await graphqlData(inventory.url, MARK_READ, { id: newest }, shop.owner);
    expect(again.markAlertRead.readAt).toBe(read.markAlertRead.readAt);
    const unread = await graphqlData(inventory.url, ALERTS, { storeId: shop.storeId, unreadOnly: true }, shop.owner);
    expect(unread.lowStockAlerts.edges.map((edge: any) => edge.node.variant.id)).toEqual([shop.variantIds[1], shop.variantIds[0]]);
  });

  it('are for the store owner or an admin only', async () => {
    const shop = await shopWithThreshold(10, 5);
    await adjust(inventory.url, shop.owner, shop.variantId, -6);
    const [alert] = await alertsOf(shop.variantId);
    const stranger = asMember(randomUUID(), ['SELLER']);
    const admin = asMember(randomUUID(), ['ADMIN']);
    expect((await graphqlData(inventory.url, ALERTS, { storeId: shop.storeId }, admin)).lowStockAlerts.edges).toHaveLength(1);
    expect(errorCode(await graphqlRequest(inventory.url, ALERTS, { storeId: shop.storeId }, stranger))).toBe('FORBIDDEN');
    expect(errorCode(await graphqlRequest(inventory.url, ALERTS, { storeId: shop.storeId }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await graphqlRequest(inventory.url, MARK_READ, { id: alert!.id }, stranger))).toBe('FORBIDDEN');
    expect(errorCode(await graphqlRequest(inventory.url, MARK_READ, { id: alert!.id }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await graphqlRequest(inventory.url, MARK_READ, { id: randomUUID() }, admin))).toBe('NOT_FOUND');
    expect((await graphqlData(inventory.url, MARK_READ, { id: alert!.id }, admin)).markAlertRead.readAt).not.toBeNull();
  });
});
