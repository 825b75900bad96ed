import { randomUUID } from 'node:crypto';
import { asMember, graphqlData, graphqlRequest } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDueReservations } from '../src/reservation/reservation-sweeper.js';
import { StockReservationStatus } from '../src/reservation/stock-reservation-status.js';
import { StockReservation } from '../src/reservation/stock-reservation.entity.js';
import { StockMovementKind } from '../src/stock/stock-movement-kind.js';
import { StockMovement } from '../src/stock/stock-movement.entity.js';
import {
  adjust,
  COMMIT,
  errorCode,
  eventually,
  openShop,
  ORDERS,
  RELEASE,
  RESERVE,
  type RunningInventory,
  startInventory,
  stockOf,
} from './support/inventory-harness.js';

let inventory: RunningInventory;
beforeAll(async () => {
  inventory = await startInventory('stock-reserve', { RESERVATION_SWEEP_MS: 100 });
});
afterAll(() => inventory?.close());

const reserve = (key: string, lines: { variantId: string; quantity: number }[], ttl?: number) =>
  graphqlData(inventory.url, RESERVE, { key, lines, ttl }, ORDERS).then((data) => data.reserveStock);
const commit = (key: string) => graphqlData(inventory.url, COMMIT, { key }, ORDERS).then((data) => data.commitStockReservation);
const release = (key: string) => graphqlData(inventory.url, RELEASE, { key }, ORDERS).then((data) => data.releaseStockReservation);
const movementsOf = (variantId: string) =>
  inventory.app.orm.em.fork().find(StockMovement, { variantId }, { orderBy: { createdAt: 'asc', id: 'asc' } });

describe('reserveStock', () => {
  it('sets units aside for every line, recording RESERVATION movements under the key', async () => {
    const shop = await openShop(inventory.url, [5, 3]);
    const [a, b] = shop.variantIds as [string, string];
    const key = `order-${randomUUID()}`;
    const reservation = await reserve(key, [{ variantId: a, quantity: 2 }, { variantId: b, quantity: 3 }]);
    expect(reservation).toMatchObject({ __typename: 'StockReservation', key, status: 'HELD' });
    expect(reservation.lines).toHaveLength(2);
    expect(new Date(reservation.expiresAt).getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect(await stockOf(inventory.url, a)).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
    expect(await stockOf(inventory.url, b)).toMatchObject({ onHand: 3, reserved: 3, available: 0 });
    expect((await movementsOf(a)).at(-1)).toMatchObject({ kind: StockMovementKind.RESERVATION, delta: 2, reservationKey: key, actorService: 'orders' });
  });

  it('reserves nothing when one line is short, naming that variant, and repeats that answer for the key', async () => {
    const shop = await openShop(inventory.url, [5, 1]);
    const [a, b] = shop.variantIds as [string, string];
    const key = `order-${randomUUID()}`;
    const lines = [{ variantId: a, quantity: 2 }, { variantId: b, quantity: 2 }];
    const refused = await reserve(key, lines);
    expect(refused).toMatchObject({ __typename: 'OutOfStock', code: 'OUT_OF_STOCK', variant: { id: b }, requested: 2, available: 1 });
    expect(await stockOf(inventory.url, a)).toMatchObject({ reserved: 0, available: 5 });
    expect((await movementsOf(a)).filter((movement) => movement.kind === StockMovementKind.RESERVATION)).toHaveLength(0);
    // Even with stock back, the key keeps its first outcome.
    await adjust(inventory.url, shop.owner, b, 5);
    expect(await reserve(key, lines)).toEqual(refused);
    expect(await stockOf(inventory.url, b)).toMatchObject({ reserved: 0 });
  });

  it('acts once per key: repeated and concurrent calls return the first reservation and hold its units once', async () => {
    const shop = await openShop(inventory.url, [10]);
    const variantId = shop.variantIds[0]!;
    const key = `order-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 8 }, () => reserve(key, [{ variantId, quantity: 3 }])));
    for (const result of results) expect(result).toEqual(results[0]);
    expect(await reserve(key, [{ variantId, quantity: 9 }])).toEqual(results[0]);
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ reserved: 3, available: 7 });
  });

  it('gives the last unit to exactly one of many concurrent reservations', async () => {
    const shop = await openShop(inventory.url, [1]);
    const variantId = shop.variantIds[0]!;
    const results = await Promise.all(Array.from({ length: 12 }, () => reserve(`order-${randomUUID()}`, [{ variantId, quantity: 1 }])));
    expect(results.filter((result) => result.__typename === 'StockReservation')).toHaveLength(1);
    expect(results.filter((result) => result.__typename === 'OutOfStock')).toHaveLength(11);
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 1, reserved: 1, available: 0 });
  });

  it('refuses malformed requests', async () => {
    const variantId = randomUUID();
    for (const variables of [
      { key: '', lines: [{ variantId, quantity: 1 }] },
      { key: 'k', lines: [] },
      { key: 'k', lines: [{ variantId, quantity: 0 }] },
      { key: 'k', lines: [{ variantId, quantity: 1 }, { variantId, quantity: 1 }] },
      { key: 'k', lines: [{ variantId, quantity: 1 }], ttl: 0 },
    ]) {
      expect(errorCode(await graphqlRequest(inventory.url, RESERVE, variables, ORDERS))).toBe('BAD_USER_INPUT');
    }
  });
});

describe('commitStockReservation and releaseStockReservation', () => {
  it('commit sells the held units once: on hand and reserved drop, with a SALE movement', async () => {
    const shop = await openShop(inventory.url, [5]);
    const variantId = shop.variantIds[0]!;
    const key = `order-${randomUUID()}`;
    await reserve(key, [{ variantId, quantity: 2 }]);
    expect(await commit(key)).toBe(true);
    expect(await commit(key)).toBe(true);
    expect(await release(key)).toBe(false);
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    const sales = (await movementsOf(variantId)).filter((movement) => movement.kind === StockMovementKind.SALE);
    expect(sales).toEqual([expect.objectContaining({ delta: -2, reservationKey: key, actorService: 'orders' })]);
    expect(await reserve(key, [{ variantId, quantity: 2 }])).toMatchObject({ status: 'COMMITTED' });
  });

  it('release gives the units back once, with a RELEASE movement; a released reservation cannot be committed', async () => {
    const shop = await openShop(inventory.url, [5]);
    const variantId = shop.variantIds[0]!;
    const key = `order-${randomUUID()}`;
    await reserve(key, [{ variantId, quantity: 4 }]);
    expect(await release(key)).toBe(true);
    expect(await release(key)).toBe(true);
    expect(await commit(key)).toBe(false);
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
    const releases = (await movementsOf(variantId)).filter((movement) => movement.kind === StockMovementKind.RELEASE);
    expect(releases).toEqual([expect.objectContaining({ delta: -4, reservationKey: key })]);
  });

  it('releasing an unknown key remembers it, so a late reserve with that key holds nothing', async () => {
    const shop = await openShop(inventory.url, [5]);
    const variantId = shop.variantIds[0]!;
    const key = `order-${randomUUID()}`;
    expect(await commit(key)).toBe(false);
    expect(await release(key)).toBe(true);
    expect(await reserve(key, [{ variantId, quantity: 1 }])).toMatchObject({ status: 'RELEASED', lines: [] });
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ reserved: 0 });
  });
});

describe('expiry', () => {
  it('gives the units of a reservation neither committed nor released back when it expires', async () => {
    const shop = await openShop(inventory.url, [3]);
    const variantId = shop.variantIds[0]!;
    const key = `order-${randomUUID()}`;
    await reserve(key, [{ variantId, quantity: 3 }], 1);
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ reserved: 3, available: 0 });
    await eventually(async () => expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 3, reserved: 0, available: 3 }));
    expect((await inventory.app.orm.em.fork().findOneOrFail(StockReservation, { key })).status).toBe(StockReservationStatus.EXPIRED);
    expect((await movementsOf(variantId)).at(-1)).toMatchObject({ kind: StockMovementKind.RELEASE, delta: -3, actorService: 'inventory' });
    expect(await commit(key)).toBe(false);
  });

  it('commit refuses a reservation past its expiry even before the sweeper got to it', async () => {
    const shop = await openShop(inventory.url, [3]);
    const variantId = shop.variantIds[0]!;
    const key = `order-${randomUUID()}`;
    await reserve(key, [{ variantId, quantity: 2 }]);
    await inventory.app.orm.em
      .fork()
      .getConnection()
      .execute(`update "inventory"."stock_reservation" set expires_at = now() - interval '1 second' where key = ?`, [key]);
    expect(await commit(key)).toBe(false);
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 3, reserved: 0 });
  });

  it('is released exactly once when several replicas sweep at the same time', async () => {
    const shop = await openShop(inventory.url, [40]);
    const variantId = shop.variantIds[0]!;
    const keys = Array.from({ length: 20 }, () => `order-${randomUUID()}`);
    for (const key of keys) await reserve(key, [{ variantId, quantity: 2 }], 3_600);
    await inventory.app.orm.em
      .fork()
      .getConnection()
      .execute(`update "inventory"."stock_reservation" set expires_at = now() - interval '1 second' where key in (?)`, [keys]);
    // Four more sweepers beside the app's own, as four more replicas would run.
    const replicas = { orm: inventory.app.orm, services: inventory.services };
    await Promise.all(Array.from({ length: 4 }, () => expireDueReservations(replicas)));
    await eventually(async () => expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 40, reserved: 0 }));
    const releases = (await movementsOf(variantId)).filter((movement) => movement.kind === StockMovementKind.RELEASE);
    expect(releases).toHaveLength(20);
    expect(new Set(releases.map((movement) => movement.reservationKey))).toEqual(new Set(keys));
  });
});

describe('internal operations', () => {
  it('are refused to members and anonymous callers', async () => {
    const member = asMember(randomUUID(), ['CUSTOMER', 'SELLER', 'ADMIN']);
    const variables = { key: 'k', lines: [{ variantId: randomUUID(), quantity: 1 }] };
    expect(errorCode(await graphqlRequest(inventory.url, RESERVE, variables, member))).toBe('FORBIDDEN');
    expect(errorCode(await graphqlRequest(inventory.url, COMMIT, { key: 'k' }, member))).toBe('FORBIDDEN');
    expect(errorCode(await graphqlRequest(inventory.url, RELEASE, { key: 'k' }, member))).toBe('FORBIDDEN');
    expect(errorCode(await graphqlRequest(inventory.url, RESERVE, variables))).toBe('UNAUTHENTICATED');
  });
});
