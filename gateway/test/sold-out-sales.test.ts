import { randomUUID } from 'node:crypto';
import { replayKey, SOLD_OUT_CHANNEL, type SoldOutAnnouncement, TIME_SALE_CHANNEL_PREFIX } from '@commerce/kit';
import { eventually, type RedisServerProcess, startRedisServer } from '@commerce/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SoldOutSales } from '../src/time-sale/sold-out-sales.js';
import { testRedisClients } from './test-redis-clients.js';

/**
 * The gateway's memory of sold-out sales, fed by announcements and counts published as inventory publishes them (the
 * time-sale e2e test pairs it with inventory's script), on a Redis of the test's own (restarted to drop it).
 */
const PREFIX = 'test-sold-out:';
const HEARTBEAT_MS = 200;
let server: RedisServerProcess;
const redisClients = testRedisClients(() => server.url, PREFIX);
const connect = redisClients.connect;
const gateways: SoldOutSales[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
afterEach(() => {
  for (const gateway of gateways.splice(0)) gateway.close();
  redisClients.disconnectAll();
});
afterAll(() => server?.stop());

const startGateway = async (channelPrefix = PREFIX) => {
  const gateway = new SoldOutSales({ redis: connect(), channelPrefix, heartbeatMs: HEARTBEAT_MS });
  gateways.push(gateway);
  await gateway.start();
  return gateway;
};
const member = randomUUID();
const announce = (publisher: Redis, sale: Partial<SoldOutAnnouncement> & { saleId: string }, channelPrefix = PREFIX) =>
  publisher.publish(`${channelPrefix}${SOLD_OUT_CHANNEL}`, JSON.stringify({ status: 'OPEN', endsAt: Date.now() + 60_000, at: Date.now(), replays: [], ...sale }));
const count = (publisher: Redis, saleId: string, remaining: number, status = 'OPEN', channelPrefix = PREFIX) =>
  publisher.publish(`${channelPrefix}${TIME_SALE_CHANNEL_PREFIX}${saleId}`, JSON.stringify({ saleId, remaining, status, quantity: 10 }));

/** Publishes an announcement of a sale of its own and waits for it: what was published before has arrived too. */
async function caughtUp(gateway: SoldOutSales, publisher: Redis, channelPrefix = PREFIX) {
  const marker = randomUUID();
  await announce(publisher, { saleId: marker }, channelPrefix);
  await eventually(() => expect(gateway.soldOutFor(marker, member, 'k')).toBe(true));
}

describe('sold-out sales in the gateway', () => {
  it('holds an announced sale sold out for every claim but the retries of its claims, until a count shows units again', async () => {
    const gateway = await startGateway();
    const publisher = connect();
    const [sale, other] = [randomUUID(), randomUUID()];
    await announce(publisher, { saleId: sale, replays: [replayKey(member, 'kept')] });
    await eventually(() => expect(gateway.soldOutFor(sale, member, 'k')).toBe(true));
    expect(gateway.soldOutFor(sale, member, 'kept')).toBe(false);
    expect(gateway.soldOutFor(sale, randomUUID(), 'kept')).toBe(true);
    expect(gateway.soldOutFor(other, member, 'k')).toBe(false);

    // Another sale's count, and this sale's count still at 0, change nothing.
    await count(publisher, other, 5);
    await count(publisher, sale, 0);
    await caughtUp(gateway, publisher);
    expect(gateway.soldOutFor(sale, member, 'k')).toBe(true);
    // Units back: inventory decides again.
    await count(publisher, sale, 1);
    await eventually(() => expect(gateway.soldOutFor(sale, member, 'k')).toBe(false));
  });

  it("lets inventory decide once the sale changes status, near its end by Redis's clock, or when what was published may be lost", async () => {
    const gateway = await startGateway();
    const publisher = connect();
    const [cancelled, ending, skewed, lost] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await announce(publisher, { saleId: cancelled });
    await announce(publisher, { saleId: ending, endsAt: Date.now() + 1_900 });
    // Redis's clock 5 s ahead of this one: the sale ends in 1.9 s, not 6.9 s.
    await announce(publisher, { saleId: skewed, endsAt: Date.now() + 6_900, at: Date.now() + 5_000 });
    await announce(publisher, { saleId: lost });
    await eventually(() => expect(gateway.size).toBe(4));
    expect(gateway.soldOutFor(cancelled, member, 'k')).toBe(true);
    // Inside the clock margin of its end, ENDED is inventory's to say.
    expect(gateway.soldOutFor(ending, member, 'k')).toBe(false);
    expect(gateway.soldOutFor(skewed, member, 'k')).toBe(false);

    await count(publisher, cancelled, 0, 'CANCELLED');
    await eventually(() => expect(gateway.soldOutFor(cancelled, member, 'k')).toBe(false));
    expect(gateway.soldOutFor(lost, member, 'k')).toBe(true);

    // Redis restarts: a release published while the subscription was down would be lost, so the sale is forgotten,
    // also once the subscription is back.
    await server.stop();
    await eventually(() => expect(gateway.soldOutFor(lost, member, 'k')).toBe(false));
    await server.start();
    await eventually(() => caughtUp(gateway, publisher), 10_000);
    expect(gateway.soldOutFor(lost, member, 'k')).toBe(false);
    await announce(publisher, { saleId: lost });
    await eventually(() => expect(gateway.soldOutFor(lost, member, 'k')).toBe(true));
  });

  it('reads the counts of its own deployment only, whatever glob characters its key prefix holds', async () => {
    const prefix = 'test-[sold]-out?*:';
    const gateway = await startGateway(prefix);
    const publisher = connect();
    const sale = randomUUID();
    await announce(publisher, { saleId: sale }, prefix);
    await eventually(() => expect(gateway.soldOutFor(sale, member, 'k')).toBe(true));
    // Units back in a deployment whose channels the prefix, read as a pattern, would match: not this one's sale. (Its
    // own counts below arrive only with the prefix escaped in the pattern: `[sold]` would not match `[sold]`.)
    await count(publisher, sale, 3, 'OPEN', 'test-s-out!x:');
    await caughtUp(gateway, publisher, prefix);
    expect(gateway.soldOutFor(sale, member, 'k')).toBe(true);
    await count(publisher, sale, 2, 'OPEN', prefix);
    await eventually(() => expect(gateway.soldOutFor(sale, member, 'k')).toBe(false));
  });

  it('lets inventory decide while its subscription does not answer', async () => {
    const gateway = await startGateway();
    const sale = randomUUID();
    await announce(connect(), { saleId: sale });
    await eventually(() => expect(gateway.soldOutFor(sale, member, 'k')).toBe(true));
    // Redis holds every client's commands (the connections stay open): the pings go unanswered.
    const admin = new Redis(server.url);
    try {
      await admin.call('CLIENT', 'PAUSE', String(20 * HEARTBEAT_MS), 'ALL');
    } finally {
      admin.disconnect();
    }
    await eventually(() => expect(gateway.soldOutFor(sale, member, 'k')).toBe(false), 15 * HEARTBEAT_MS);
  });
});
