import { randomUUID } from 'node:crypto';
import type { SubgraphConfig } from '@commerce/kit';
import { asMember, asService, graphqlData, graphqlRequest, type RunningSubgraph, startTestSubgraph } from '@commerce/testkit';
import { expect } from 'vitest';
import { createApp } from '../../src/app.js';
import type { InventorySettings } from '../../src/config.js';
import type { InventoryServices } from '../../src/inventory.services.js';
import { type RecordedCall, startCatalogStub } from './catalog-stub.js';

export interface RunningInventory extends RunningSubgraph {
  services: InventoryServices;
  /** Calls the stub catalog received (empty when the test gave its own CATALOG_URL). */
  catalogCalls: RecordedCall[];
}

/** Boots the real inventory app on its own database and Redis prefix, with a stub catalog unless one is given. */
export async function startInventory(
  label: string,
  settings: Partial<InventorySettings> & Partial<SubgraphConfig> = {},
): Promise<RunningInventory> {
  const { CATALOG_URL, RESERVATION_SWEEP_MS, OUTBOX_RETRY_BASE_MS, OUTBOX_POLL_MS, ...overrides } = settings;
  const stub = CATALOG_URL ? null : await startCatalogStub();
  const running = await startTestSubgraph(
    (config) =>
      createApp({
        ...config,
        CATALOG_URL: CATALOG_URL ?? stub!.url,
        RESERVATION_SWEEP_MS: RESERVATION_SWEEP_MS ?? 100,
        OUTBOX_RETRY_BASE_MS: OUTBOX_RETRY_BASE_MS ?? 200,
        OUTBOX_POLL_MS: OUTBOX_POLL_MS ?? 100,
      }),
    label,
    overrides,
  );
  return {
    ...running,
    services: running.app.services as InventoryServices,
    catalogCalls: stub?.calls ?? [],
    async close() {
      await running.close();
      await stub?.close();
    },
  };
}

export const ADJUST_STOCK = `mutation ($variantId: ID!, $delta: Int!, $reason: String!) {
  adjustStock(variantId: $variantId, delta: $delta, reason: $reason) {
    __typename
    ... on StockLevel { onHand reserved available lowStockThreshold variant { id } }
    ... on StockWouldGoNegative { code message variantId delta available }
  }
}`;

export const SET_THRESHOLD = `mutation ($variantId: ID!, $threshold: Int!) {
  setLowStockThreshold(variantId: $variantId, threshold: $threshold) { onHand available lowStockThreshold }
}`;

export const STOCK_OF = `query ($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on ProductVariant { id stock { onHand reserved available lowStockThreshold } } }
}`;

export const RESERVE = `mutation ($key: String!, $lines: [StockLineInput!]!, $ttl: Int) {
  reserveStock(key: $key, lines: $lines, ttlSeconds: $ttl) {
    __typename
    ... on StockReservation { key status expiresAt lines { variant { id } quantity } }
    ... on OutOfStock { code message variant { id } requested available }
  }
}`;

export const COMMIT = `mutation ($key: String!) { commitStockReservation(key: $key) }`;
export const RELEASE = `mutation ($key: String!) { releaseStockReservation(key: $key) }`;

export const ORDERS = asService('orders');
export const CATALOG = asService('catalog');

export interface Shop {
  storeId: string;
  ownerId: string;
  owner: Record<string, string>;
  variantIds: string[];
}

/** A store of a fresh seller, registered as the catalog would, with `onHand` units of each of `variants` new variants. */
export async function openShop(url: string, onHand: number[] = [10]): Promise<Shop> {
  const storeId = randomUUID();
  const ownerId = randomUUID();
  const variantIds = onHand.map(() => randomUUID());
  await graphqlData(url, `mutation ($s: ID!, $o: ID!) { registerStore(storeId: $s, ownerId: $o) }`, { s: storeId, o: ownerId }, CATALOG);
  await graphqlData(
    url,
    `mutation ($v: [RegisterVariantInput!]!) { registerVariants(variants: $v) }`,
    { v: variantIds.map((variantId) => ({ variantId, storeId })) },
    CATALOG,
  );
  const owner = asMember(ownerId, ['CUSTOMER', 'SELLER']);
  for (const [index, variantId] of variantIds.entries()) {
    if (onHand[index]! > 0) await adjust(url, owner, variantId, onHand[index]!);
  }
  return { storeId, ownerId, owner, variantIds };
}

/** adjustStock that must succeed; returns the new level. */
export async function adjust(url: string, headers: Record<string, string>, variantId: string, delta: number, reason = 'test') {
  const data = await graphqlData(url, ADJUST_STOCK, { variantId, delta, reason }, headers);
  expect(data.adjustStock.__typename).toBe('StockLevel');
  return data.adjustStock;
}

export async function stockOf(url: string, variantId: string) {
  const data = await graphqlData(url, STOCK_OF, { reps: [{ __typename: 'ProductVariant', id: variantId }] });
  return data._entities[0].stock as { onHand: number; reserved: number; available: number; lowStockThreshold: number };
}

export const errorCode = (response: Awaited<ReturnType<typeof graphqlRequest>>) => response.errors?.[0]?.extensions?.code;

export { eventually } from '@commerce/testkit';

const HOUR = 3_600_000;

export const CREATE_TIME_SALE = `mutation ($input: CreateTimeSaleInput!) {
  createTimeSale(input: $input) {
    __typename
    ... on TimeSale { id quantity remaining status perMemberLimit price { amount currency } variant { id } }
    ... on InsufficientStock { code requested available }
  }
}`;

/** A shop with one stocked variant and a time-sale of it, running now unless `startsAt` says otherwise. */
export async function openTimeSale(
  url: string,
  options: { quantity: number; perMemberLimit: number; onHand?: number; startsAt?: Date; endsAt?: Date },
) {
  const shop = await openShop(url, [options.onHand ?? options.quantity + 10]);
  const variantId = shop.variantIds[0]!;
  const data = await graphqlData(
    url,
    CREATE_TIME_SALE,
    {
      input: {
        variantId,
        price: 9_900,
        quantity: options.quantity,
        perMemberLimit: options.perMemberLimit,
        startsAt: (options.startsAt ?? new Date(Date.now() - 1_000)).toISOString(),
        endsAt: (options.endsAt ?? new Date(Date.now() + HOUR)).toISOString(),
      },
    },
    shop.owner,
  );
  expect(data.createTimeSale.__typename).toBe('TimeSale');
  return { shop, variantId, saleId: data.createTimeSale.id as string, sale: data.createTimeSale };
}
