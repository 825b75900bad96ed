import { DEMO_CURRENCY, demoId, demoTimeSale, demoVariants } from '@commerce/demo-data';
import { schemaDiffSql } from '@commerce/kit';
import { graphqlData, graphqlRequest, type RunningSubgraph, startTestSubgraph } from '@commerce/testkit';
import { CheckConstraintViolationException } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/app.js';
import { seedInventory } from '../src/demo.seed.js';
import type { InventoryServices } from '../src/inventory.services.js';
import { StockLevel } from '../src/stock/stock-level.entity.js';
import { StockMovementKind } from '../src/stock/stock-movement-kind.js';
import { StockMovement } from '../src/stock/stock-movement.entity.js';
import { TimeSale } from '../src/time-sale/time-sale.entity.js';

const HOUR = 60 * 60 * 1000;
const UNKNOWN_ID = '00000000-0000-7000-8000-000000000000';

let subgraph: RunningSubgraph;

beforeAll(async () => {
  subgraph = await startTestSubgraph(createApp, 'inventory', { SEED_DEMO: true });
});
afterAll(() => subgraph?.close());

/** Runs `work` and returns the SQL statements the app's ORM sent meanwhile. */
async function sqlStatementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const spy = vi.spyOn(subgraph.app.orm.config.getLogger(), 'logQuery');
  try {
    await work();
    // Background workers (outbox relay, reservation sweeper, time-sale consumer and sweep) share the logger: leave
    // out their tables and their transactions' begin/commit, which name no table.
    const background = /"(time_sale|time_sale_claim|outbox_message|stock_reservation)"/;
    const ownRead = (query: string | undefined): query is string => !!query && /"inventory"\./.test(query) && !background.test(query);
    return spy.mock.calls.flatMap(([context]) => (ownRead(context.query) ? [context.query] : []));
  } finally {
    spy.mockRestore();
  }
}

async function insertTimeSale(window: { startsAt: Date; endsAt: Date }, claimed = 0): Promise<TimeSale> {
  const em = subgraph.app.orm.em.fork();
  const sale = em.create(TimeSale, {
    variantId: demoId('variant:camp-chair-olive'),
    priceAmount: 30_000,
    currency: DEMO_CURRENCY,
    quantity: 5,
    claimed,
    perMemberLimit: 2,
    ...window,
  });
  await em.flush();
  return sale;
}

const stockOfVariants = `query ($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on ProductVariant { id stock { onHand reserved available lowStockThreshold } } }
}`;

const timeSaleQuery = `query ($id: ID!) {
  timeSale(id: $id) { id quantity remaining status perMemberLimit startsAt endsAt price { amount currency } variant { id stock { reserved } } }
}`;

describe('ProductVariant.stock', () => {
  it('resolves seeded stock, with zeros for a variant inventory never held', async () => {
    const shirtM = demoId('variant:linen-shirt-m');
    const chairSand = demoId('variant:camp-chair-sand');
    const data = await graphqlData(subgraph.url, stockOfVariants, {
      reps: [shirtM, UNKNOWN_ID, chairSand].map((id) => ({ __typename: 'ProductVariant', id })),
    });
    expect(data._entities).toEqual([
      // The demo time-sale sets 10 of the 40 shirts aside.
      { id: shirtM, stock: { onHand: 40, reserved: 10, available: 30, lowStockThreshold: 5 } },
      { id: UNKNOWN_ID, stock: { onHand: 0, reserved: 0, available: 0, lowStockThreshold: 0 } },
      { id: chairSand, stock: { onHand: 8, reserved: 0, available: 8, lowStockThreshold: 10 } },
    ]);
  });

  it('loads the stock of any number of variants with one SQL statement', async () => {
    const reps = (ids: string[]) => ({ reps: ids.map((id) => ({ __typename: 'ProductVariant', id })) });
    const allIds = [...demoVariants.map((variant) => demoId(variant.key)), UNKNOWN_ID];
    let many: any;
    const forTwo = await sqlStatementsDuring(() => graphqlData(subgraph.url, stockOfVariants, reps(allIds.slice(0, 2))));
    const forAll = await sqlStatementsDuring(async () => {
      many = await graphqlData(subgraph.url, stockOfVariants, reps(allIds));
    });
    expect(forTwo).toHaveLength(1);
    expect(forAll).toHaveLength(1);
    expect(forAll[0]).toMatch(/from "inventory"\."stock_level"/);
    expect(many._entities).toHaveLength(demoVariants.length + 1);
    expect(many._entities.map((entity: any) => entity.stock.onHand)).toEqual([...demoVariants.map((variant) => variant.onHand), 0]);
  });

  it('resolves a malformed variant representation to null without failing the batch', async () => {
    const shirtS = demoId('variant:linen-shirt-s');
    const data = await graphqlData(subgraph.url, stockOfVariants, {
      reps: [{ __typename: 'ProductVariant', id: 'not-a-uuid' }, { __typename: 'ProductVariant', id: shirtS }],
    });
    expect(data._entities).toEqual([null, { id: shirtS, stock: { onHand: 40, reserved: 0, available: 40, lowStockThreshold: 5 } }]);
  });
});

describe('timeSale', () => {
  it('returns the seeded sale, scheduled, with all units remaining', async () => {
    const demo = demoTimeSale();
    const id = demoId(demo.key);
    const data = await graphqlData(subgraph.url, timeSaleQuery, { id });
    expect(data.timeSale).toEqual({
      id,
      quantity: 10,
      remaining: 10,
      status: 'SCHEDULED',
      perMemberLimit: 1,
      startsAt: demo.startsAt.toISOString(),
      endsAt: demo.endsAt.toISOString(),
      price: { amount: 39_000, currency: 'KRW' },
      variant: { id: demoId('variant:linen-shirt-m'), stock: { reserved: 10 } },
    });
  });

  it('is ACTIVE inside its window and ENDED after it, with remaining = quantity - claimed', async () => {
    const now = Date.now();
    const open = await insertTimeSale({ startsAt: new Date(now - HOUR), endsAt: new Date(now + HOUR) }, 3);
    const past = await insertTimeSale({ startsAt: new Date(now - 2 * HOUR), endsAt: new Date(now - HOUR) }, 5);
    // Written to PostgreSQL behind the engine's back, as if Redis had lost it: paused until rebuilt.
    const paused = await graphqlData(subgraph.url, timeSaleQuery, { id: open.id });
    expect(paused.timeSale).toMatchObject({ status: 'PAUSED', quantity: 5, remaining: 2 });
    const services = subgraph.app.services as InventoryServices;
    expect(await services.timeSales.keeper.rebuild(open.id)).toBe('LOADED');
    const active = await graphqlData(subgraph.url, timeSaleQuery, { id: open.id });
    expect(active.timeSale).toMatchObject({ status: 'ACTIVE', quantity: 5, remaining: 2 });
    const ended = await graphqlData(subgraph.url, timeSaleQuery, { id: past.id });
    expect(ended.timeSale).toMatchObject({ status: 'ENDED', quantity: 5, remaining: 0 });
  });

  it('answers NOT_FOUND for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
    const unknown = await graphqlRequest(subgraph.url, timeSaleQuery, { id: UNKNOWN_ID });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const malformed = await graphqlRequest(subgraph.url, timeSaleQuery, { id: 'sale-1' });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('resolves TimeSale entities by reference, with null for unknown ids', async () => {
    const id = demoId(demoTimeSale().key);
    const data = await graphqlData(
      subgraph.url,
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on TimeSale { id remaining } } }`,
      { reps: [id, UNKNOWN_ID].map((saleId) => ({ __typename: 'TimeSale', id: saleId })) },
    );
    expect(data._entities).toEqual([{ id, remaining: 10 }, null]);
  });
});

describe('timeSales', () => {
  const page = `query ($first: Int, $after: String) {
    timeSales(first: $first, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } }
  }`;

  it('pages through every sale in id order without gaps or repeats', async () => {
    const em = subgraph.app.orm.em.fork();
    const expected = (await em.find(TimeSale, {}, { orderBy: { id: 'asc' } })).map((sale) => sale.id);
    expect(expected.length).toBeGreaterThan(1);
    const seen: string[] = [];
    let after: string | null = null;
    for (let round = 0; round <= expected.length; round++) {
      const data: any = await graphqlData(subgraph.url, page, { first: 1, after });
      seen.push(...data.timeSales.edges.map((edge: any) => edge.node.id));
      expect(data.timeSales.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!data.timeSales.pageInfo.hasNextPage) break;
      after = data.timeSales.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  it('refuses a page size out of range and a cursor it did not issue', async () => {
    const tooMany = await graphqlRequest(subgraph.url, page, { first: 500 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forged = await graphqlRequest(subgraph.url, page, { after: Buffer.from('c:1; drop table').toString('base64url') });
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('database invariants', () => {
  const shirtL = demoId('variant:linen-shirt-l');

  it('refuses negative stock and reserving more than is on hand', async () => {
    const em = subgraph.app.orm.em.fork();
    await expect(em.nativeUpdate(StockLevel, { variantId: shirtL }, { onHand: -1 })).rejects.toThrow(
      /stock_level_on_hand_check/,
    );
    await expect(em.nativeUpdate(StockLevel, { variantId: shirtL }, { reserved: 41 })).rejects.toThrow(
      /stock_level_reserved_within_on_hand_check/,
    );
    await expect(em.nativeUpdate(StockLevel, { variantId: shirtL }, { reserved: -1 })).rejects.toBeInstanceOf(
      CheckConstraintViolationException,
    );
    // The row is untouched by the refused updates.
    expect(await em.fork().findOneOrFail(StockLevel, { variantId: shirtL })).toMatchObject({ onHand: 40, reserved: 0 });
  });

  it('refuses a time-sale that claims more than it offers or ends before it starts', async () => {
    const now = Date.now();
    await expect(insertTimeSale({ startsAt: new Date(now), endsAt: new Date(now + HOUR) }, 6)).rejects.toThrow(
      /time_sale_claimed_check/,
    );
    await expect(insertTimeSale({ startsAt: new Date(now), endsAt: new Date(now) })).rejects.toThrow(
      /time_sale_window_check/,
    );
  });

  it('refuses a ledger movement whose sign contradicts its kind', async () => {
    const em = subgraph.app.orm.em.fork();
    em.create(StockMovement, { variantId: shirtL, kind: StockMovementKind.RELEASE, delta: 3, reason: 'wrong sign' });
    await expect(em.flush()).rejects.toThrow(/stock_movement_delta_sign_check/);
  });
});

describe('demo seed', () => {
  it('recorded a RESTOCK per variant and the time-sale reservation, and does nothing a second time', async () => {
    const em = subgraph.app.orm.em.fork();
    const movements = await em.find(StockMovement, {}, { orderBy: { id: 'asc' } });
    expect(movements.filter((movement) => movement.kind === StockMovementKind.RESTOCK)).toHaveLength(demoVariants.length);
    const reservations = movements.filter((movement) => movement.kind === StockMovementKind.RESERVATION);
    expect(reservations).toEqual([
      expect.objectContaining({
        variantId: demoId('variant:linen-shirt-m'),
        delta: 10,
        reason: expect.stringContaining(demoId(demoTimeSale().key)),
      }),
    ]);

    expect(await seedInventory(subgraph.app.orm.em.fork())).toBe(false);
    expect(await em.fork().count(StockMovement)).toBe(movements.length);
    expect(await em.fork().count(StockLevel)).toBe(demoVariants.length);
  });
});

describe('the service', () => {
  it('publishes ProductVariant and TimeSale as entities in its SDL', async () => {
    const data = await graphqlData(subgraph.url, '{ _service { sdl } }');
    expect(data._service.sdl).toMatch(/type ProductVariant\s+@key\(fields: "id"\)/);
    expect(data._service.sdl).toMatch(/type TimeSale\s+@key\(fields: "id"\)/);
  });

  it('hides its internal operations from the public API and keeps the public ones visible', async () => {
    const { sdl } = (await graphqlData(subgraph.url, '{ _service { sdl } }'))._service;
    const signature = (operation: string) => new RegExp(`\\n  ${operation}\\([\\s\\S]*?\\n  \\): [^\\n]*`).exec(sdl)?.[0] ?? '';
    for (const operation of [
      'registerStore',
      'registerVariants',
      'reserveStock',
      'commitStockReservation',
      'releaseStockReservation',
      'timeSaleClaimForCheckout',
      'consumeTimeSaleClaim',
      'releaseTimeSaleClaim',
      'retireVariants',
    ]) {
      expect(signature(operation)).toMatch(/@inaccessible$/);
    }
    for (const operation of ['adjustStock', 'setLowStockThreshold', 'markAlertRead', 'lowStockAlerts', 'createTimeSale', 'claimTimeSale', 'cancelTimeSale']) {
      expect(signature(operation)).toMatch(/\)/);
      expect(signature(operation)).not.toMatch(/@inaccessible/);
    }
  });

  it('keeps its committed migrations in step with its entities', async () => {
    expect(await schemaDiffSql(subgraph.app.orm)).toBe('');
  });
});
