import { randomUUID } from 'node:crypto';
import { asMember, graphqlData, metricValue, parseMetrics } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimeSaleClaimRecord } from '../src/time-sale/time-sale-claim.entity.js';
import { saleKeys, STREAM_GROUP } from '../src/time-sale/time-sale.keys.js';
import { eventually, openTimeSale, type RunningInventory, startInventory } from './support/inventory-harness.js';

let inventory: RunningInventory;

beforeAll(async () => {
  // The app's own stream consumer writes every 50 ms, and its reconciliation runs every 200 ms: they are what is tested.
  inventory = await startInventory('ts-stream-writer', { TIME_SALE_STREAM_POLL_MS: 50, TIME_SALE_RECONCILE_MS: 200 });
});
afterAll(() => inventory?.close());

const CLAIM = `mutation ($saleId: ID!, $key: String!) {
  claimTimeSale(saleId: $saleId, quantity: 1, idempotencyKey: $key) { __typename ... on TimeSaleClaim { id } ... on ErrorResult { code } }
}`;

const em = () => inventory.app.orm.em.fork();

async function claim(saleId: string): Promise<string> {
  const data = await graphqlData(inventory.url, CLAIM, { saleId, key: randomUUID() }, asMember(randomUUID()));
  expect(data.claimTimeSale.__typename).toBe('TimeSaleClaim');
  return data.claimTimeSale.id;
}

async function scrape() {
  const response = await fetch(inventory.url.replace(/\/graphql$/, '/metrics'));
  const samples = parseMetrics(await response.text());
  return {
    failures: metricValue(samples, 'time_sale_stream_write_failures_total') ?? 0,
    stalled: metricValue(samples, 'time_sale_stream_stalled_sales'),
    drifting: metricValue(samples, 'time_sale_drifting_sales'),
  };
}

describe("the app's stream writer", () => {
  it('keeps writing the other sales while one sale holds an entry PostgreSQL refuses, and resumes once it is gone', async () => {
    const sales = await Promise.all([1, 2].map(() => openTimeSale(inventory.url, { quantity: 5, perMemberLimit: 1 })));
    // The writer goes through the sales in id order: the refused entry goes to the first, so a writer that gave up
    // its round at the first failure would never reach the second.
    const [stuck, healthy] = sales.map((sale) => sale.saleId).sort();
    const redis = inventory.app.redis;
    const stream = saleKeys(stuck!)[5]!;
    const before = await scrape();
    const poison = await redis.xadd(stream, '*', 'type', 'CLAIMED', 'claimId', `${stuck}:poison`, 'memberId', 'not-a-uuid', 'quantity', '1',
      'idempotencyKey', 'poison', 'expiresAt', String(Date.now() + 60_000), 'createdAt', String(Date.now()), 'orderKey', '');
    const stuckClaim = await claim(stuck!);
    const healthyClaim = await claim(healthy!);

    await eventually(async () => expect(await em().findOne(TimeSaleClaimRecord, healthyClaim)).not.toBeNull(), 5_000);
    await eventually(async () => expect(await scrape()).toMatchObject({ stalled: 1, failures: expect.any(Number) }), 5_000);
    expect((await scrape()).failures).toBeGreaterThan(before.failures);
    // The stuck sale's good claim, behind the refused entry in its stream, waits with it.
    expect(await em().findOne(TimeSaleClaimRecord, stuckClaim)).toBeNull();
    expect(await redis.xlen(stream)).toBe(2);

    // An operator removes the entry: the next try writes the rest.
    await redis.pipeline().xack(stream, STREAM_GROUP, poison!).xdel(stream, poison!).exec();
    await eventually(async () => expect(await em().findOne(TimeSaleClaimRecord, stuckClaim)).not.toBeNull(), 35_000);
    await eventually(async () => expect((await scrape()).stalled).toBe(0), 5_000);
    expect(await redis.xlen(stream)).toBe(0);
  }, 60_000);

  it('counts a sale in time_sale_drifting_sales while its reconciliation finds Redis and PostgreSQL disagreeing', async () => {
    const { saleId } = await openTimeSale(inventory.url, { quantity: 5, perMemberLimit: 1 });
    const claimId = await claim(saleId);
    await eventually(async () => expect(await em().findOne(TimeSaleClaimRecord, claimId)).not.toBeNull(), 5_000);
    await eventually(async () => expect((await scrape()).drifting).toBe(0), 5_000);

    // A unit vanishes from the sale in Redis alone (a hand edit, a bug): PostgreSQL still counts it as left.
    const state = saleKeys(saleId)[0]!;
    const remaining = Number(await inventory.app.redis.hget(state, 'remaining'));
    expect(remaining).toBe(4);
    await inventory.app.redis.hset(state, 'remaining', remaining - 1);
    await eventually(async () => expect((await scrape()).drifting).toBe(1), 5_000);

    await inventory.app.redis.hset(state, 'remaining', remaining);
    await eventually(async () => expect((await scrape()).drifting).toBe(0), 5_000);
  });
});
