import { randomUUID } from 'node:crypto';
import { asMember, graphqlData, type MetricSample, metricValue, parseMetrics } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimeSaleStreamConsumer } from '../src/time-sale/time-sale.consumer.js';
import { saleKeys, STREAM_GROUP } from '../src/time-sale/time-sale.keys.js';
import { eventually, openTimeSale, type RunningInventory, startInventory } from './support/inventory-harness.js';

let inventory: RunningInventory;

beforeAll(async () => {
  // The app's own stream consumer stays idle (hour-long poll), so the backlog holds still while it is read.
  inventory = await startInventory('time-sale-metrics', { TIME_SALE_STREAM_POLL_MS: 3_600_000, TIME_SALE_SWEEP_MS: 100 });
});
afterAll(() => inventory?.close());

const CLAIM = `mutation ($saleId: ID!, $quantity: Int!, $key: String!) {
  claimTimeSale(saleId: $saleId, quantity: $quantity, idempotencyKey: $key) { __typename ... on ErrorResult { code } }
}`;

async function scrape(): Promise<MetricSample[]> {
  const response = await fetch(inventory.url.replace(/\/graphql$/, '/metrics'));
  expect(response.status).toBe(200);
  return parseMetrics(await response.text());
}

const value = metricValue;

const backlog = async () => {
  const samples = await scrape();
  return { pending: value(samples, 'time_sale_stream_entries', { state: 'pending' }), lag: value(samples, 'time_sale_stream_entries', { state: 'lag' }) };
};

describe('time-sale metrics', () => {
  it('counts claims by result and reads the pg-writer backlog of the claim stream at scrape time', async () => {
    const before = await backlog();
    const { saleId } = await openTimeSale(inventory.url, { quantity: 2, perMemberLimit: 1, onHand: 20 });
    const claim = (member: string, key: string = randomUUID()) =>
      graphqlData(inventory.url, CLAIM, { saleId, quantity: 1, key }, asMember(member)).then((data) => data.claimTimeSale);
    const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
    const key = randomUUID();
    expect((await claim(alice, key)).__typename).toBe('TimeSaleClaim');
    expect((await claim(alice, key)).__typename).toBe('TimeSaleClaim');
    expect((await claim(alice)).code).toBe('LIMIT_EXCEEDED');
    expect((await claim(bob)).__typename).toBe('TimeSaleClaim');
    expect((await claim(carol)).code).toBe('SOLD_OUT');

    const samples = await scrape();
    expect(value(samples, 'time_sale_claims_total', { service: 'inventory', result: 'CLAIMED' })).toBe(2);
    expect(value(samples, 'time_sale_claims_total', { result: 'REPLAYED' })).toBe(1);
    expect(value(samples, 'time_sale_claims_total', { result: 'LIMIT_EXCEEDED' })).toBe(1);
    expect(value(samples, 'time_sale_claims_total', { result: 'SOLD_OUT' })).toBe(1);

    // Nothing consumed yet: every entry of the new sale's stream is lag. (The sweep picks the sale up within 100 ms.)
    const redis = inventory.app.redis;
    const stream = saleKeys(saleId)[5]!;
    const entries = await redis.xlen(stream);
    expect(entries).toBeGreaterThanOrEqual(2);
    await eventually(async () => expect(await backlog()).toEqual({ pending: before.pending, lag: before.lag! + entries }));

    // One entry delivered to a consumer that has not acknowledged it yet is pending instead.
    await redis.xreadgroup('GROUP', STREAM_GROUP, 'stuck', 'COUNT', 1, 'STREAMS', stream, '>');
    expect(await backlog()).toEqual({ pending: before.pending! + 1, lag: before.lag! + entries - 1 });

    // Once a consumer writes everything to PostgreSQL, the backlog is gone.
    const consumer = new TimeSaleStreamConsumer({
      engine: inventory.services.timeSales.engine,
      em: () => inventory.app.orm.em.fork(),
      services: inventory.services,
      name: 'catch-up',
      pendingIdleMs: 0,
    });
    await consumer.drain(saleId);
    expect(await backlog()).toEqual(before);
  });

  it('reports the Redis client, the database pool and refusals before GraphQL', async () => {
    const refused = await fetch(inventory.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(refused.status).toBe(400);
    const samples = await scrape();
    expect(value(samples, 'http_refusals_total', { service: 'inventory', reason: 'malformed_json' })).toBe(1);
    expect(value(samples, 'redis_client_connected', { client: 'main' })).toBe(1);
    expect(value(samples, 'redis_client_commands_queued', { client: 'main', queue: 'offline' })).toBe(0);
    expect(value(samples, 'redis_client_commands_queued', { client: 'main', queue: 'sent' })).toBeGreaterThanOrEqual(0);
    expect(value(samples, 'db_pool_connections', { state: 'idle' })).toBeGreaterThan(0);
    expect(value(samples, 'db_pool_max')).toBe(inventory.env.config.DB_POOL_MAX);
  });
});
