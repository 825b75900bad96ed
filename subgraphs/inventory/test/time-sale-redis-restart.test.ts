import { randomUUID } from 'node:crypto';
import { asMember, graphqlData, graphqlRequest, type RedisServerProcess, startRedisServer } from '@commerce/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimeSale } from '../src/time-sale/time-sale.entity.js';
import { timeSaleChannel } from '../src/time-sale/time-sale.keys.js';
import { eventually, openTimeSale, type RunningInventory, startInventory } from './support/inventory-harness.js';

let redis: RedisServerProcess;
let inventory: RunningInventory;

beforeAll(async () => {
  redis = await startRedisServer();
  // The sweep (which would also rebuild) runs rarely, so the claim path's own detection is what is tested.
  inventory = await startInventory('ts-restart', { REDIS_URL: redis.url, TIME_SALE_SWEEP_MS: 3_600_000, TIME_SALE_STREAM_POLL_MS: 50 });
});
afterAll(async () => {
  await inventory?.close();
  await redis?.stop();
});

const CLAIM = `mutation ($saleId: ID!, $key: String!) {
  claimTimeSale(saleId: $saleId, quantity: 1, idempotencyKey: $key) { __typename ... on TimeSaleClaim { id } ... on ErrorResult { code } }
}`;

describe('a Redis restart without persistence', () => {
  it('pauses claims until the sale is rebuilt from PostgreSQL, which resumes with the right counts and limits', async () => {
    const { saleId } = await openTimeSale(inventory.url, { quantity: 10, perMemberLimit: 1, onHand: 20 });
    const members = [randomUUID(), randomUUID(), randomUUID()];
    const before = await Promise.all(members.map((member) => graphqlData(inventory.url, CLAIM, { saleId, key: `k-${member}` }, asMember(member))));
    expect(before.map((data) => data.claimTimeSale.__typename)).toEqual(['TimeSaleClaim', 'TimeSaleClaim', 'TimeSaleClaim']);
    // The app's consumer writes the three claims to PostgreSQL.
    await eventually(async () => expect((await inventory.app.orm.em.fork().findOneOrFail(TimeSale, saleId)).claimed).toBe(3));

    await redis.stop();
    await redis.start();
    await eventually(async () => expect(await inventory.app.redis.ping()).toBe('PONG'), 10_000);

    // Live subscribers (and gateways holding the sale sold out) hear the rebuilt count.
    const listener = new Redis(redis.url);
    const counts: { remaining: number }[] = [];
    listener.on('message', (_channel: string, message: string) => counts.push(JSON.parse(message)));
    try {
      await listener.subscribe(`${inventory.services.timeSales.engine.options.channelPrefix}${timeSaleChannel(saleId)}`);

      const newcomer = randomUUID();
      const paused = await graphqlData(inventory.url, CLAIM, { saleId, key: 'after' }, asMember(newcomer));
      expect(paused.claimTimeSale).toEqual({ __typename: 'SalePaused', code: 'SALE_PAUSED' });

      // The paused claim started the rebuild; claims resume with 10 - 3 remaining.
      const resumed = await eventually(async () => {
        const data = await graphqlData(inventory.url, CLAIM, { saleId, key: 'after' }, asMember(newcomer));
        expect(data.claimTimeSale.__typename).toBe('TimeSaleClaim');
        return data.claimTimeSale;
      });
      const sale = await graphqlData(inventory.url, `query ($id: ID!) { timeSale(id: $id) { remaining status } }`, { id: saleId });
      expect(sale.timeSale).toEqual({ remaining: 6, status: 'ACTIVE' });
      await eventually(() => expect(counts.map(({ remaining }) => remaining)).toEqual([7, 6]));
      // Members and idempotency keys came back too: a replay answers with the first claim, the limit still holds.
      const replay = await graphqlData(inventory.url, CLAIM, { saleId, key: `k-${members[0]}` }, asMember(members[0]!));
      expect(replay.claimTimeSale.id).toBe(before[0].claimTimeSale.id);
      const again = await graphqlData(inventory.url, CLAIM, { saleId, key: 'other' }, asMember(members[1]!));
      expect(again.claimTimeSale).toEqual({ __typename: 'LimitExceeded', code: 'LIMIT_EXCEEDED' });
      // And the new claim reaches PostgreSQL through a stream and consumer group the rebuild recreated.
      await eventually(async () => expect((await inventory.app.orm.em.fork().findOneOrFail(TimeSale, saleId)).claimed).toBe(4));
      expect(resumed.id).toMatch(new RegExp(`^${saleId}\\.`));
      expect((await graphqlRequest(inventory.url, CLAIM, { saleId, key: 'x' })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      listener.disconnect();
    }
  });
});
