import { randomUUID } from 'node:crypto';
import { uuidv7 } from '@commerce/kit';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimeSaleClaimEngine } from '../src/time-sale/time-sale-claim.service.js';
import { saleKeys } from '../src/time-sale/time-sale.keys.js';
import { startRedisCluster } from './support/redis-server.js';

let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
let client: Cluster;
let engine: TimeSaleClaimEngine;
const PREFIX = `test:cluster:${randomUUID().slice(0, 8)}:`;

beforeAll(async () => {
  cluster = await startRedisCluster();
  client = new Cluster(cluster.nodes, { keyPrefix: PREFIX, redisOptions: { maxRetriesPerRequest: 2 } });
  engine = new TimeSaleClaimEngine(client, { channelPrefix: PREFIX, holdMs: 60_000, rateLimit: 0, rateWindowMs: 1_000 });
}, 60_000);
afterAll(async () => {
  client?.disconnect();
  await cluster?.stop();
});

const openSale = async (quantity: number, perMemberLimit: number) => {
  const saleId = uuidv7();
  await engine.load({
    saleId,
    variantId: randomUUID(),
    quantity,
    remaining: quantity,
    perMemberLimit,
    startsAt: new Date(Date.now() - 60_000),
    endsAt: new Date(Date.now() + 3_600_000),
    price: 1_000,
    currency: 'KRW',
    status: 'OPEN',
  });
  return saleId;
};

describe('the claim path on a three-node Redis Cluster', () => {
  it("keeps every key of a sale in one slot, and spreads different sales over the nodes", async () => {
    const node = client.nodes('master')[0]!;
    const slotsOf = async (saleId: string) =>
      new Set(await Promise.all([...saleKeys(saleId), `ts:{${saleId}}:rl:someone`].map((key) => node.cluster('KEYSLOT', PREFIX + key))));
    const sales = await Promise.all(Array.from({ length: 8 }, () => openSale(1, 1)));
    const slots = [];
    for (const saleId of sales) {
      const slot = await slotsOf(saleId);
      expect(slot.size).toBe(1);
      slots.push([...slot][0] as number);
    }
    // Eight random sales over three nodes: more than one node serves them.
    const owners = new Set(slots.map((slot) => client.slots[slot]?.[0]));
    expect(owners.size).toBeGreaterThan(1);
  });

  it('grants exactly the units there are under 600 concurrent claims, never above the per-member limit', async () => {
    const saleId = await openSale(200, 2);
    const members = Array.from({ length: 150 }, () => randomUUID());
    const attempts = members.flatMap((memberId) => Array.from({ length: 4 }, () => ({ memberId, key: randomUUID() })));
    const outcomes = await Promise.all(
      attempts.map(({ memberId, key }) => engine.claim({ saleId, memberId, quantity: 1, idempotencyKey: key })),
    );
    const granted = outcomes.filter((outcome) => outcome.kind === 'CLAIMED');
    expect(granted).toHaveLength(200);
    expect(new Set(outcomes.map((outcome) => outcome.kind))).toEqual(new Set(['CLAIMED', 'SOLD_OUT', 'LIMIT_EXCEEDED']));
    expect((await engine.readSale(saleId))!.remaining).toBe(0);
    const totals = await engine.memberTotals(saleId);
    expect(Math.max(...totals.values())).toBeLessThanOrEqual(2);
    expect([...totals.values()].reduce((a, b) => a + b, 0)).toBe(200);
    expect(await engine.backlog(saleId)).toBe(200);

    // Release and consume run in the same slot too.
    const [first, second] = granted as Extract<(typeof granted)[number], { kind: 'CLAIMED' }>[];
    expect(await engine.release(first!.claimId)).toBe('RELEASED');
    expect((await engine.consume(second!.claimId, 'order-1')).outcome).toBe('CONSUMED');
    expect((await engine.readSale(saleId))!.remaining).toBe(1);
  });
});
