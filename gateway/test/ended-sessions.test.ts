import { randomUUID } from 'node:crypto';
import { SessionLiveness } from '@commerce/members';
import { eventually, type RedisServerProcess, startRedisServer } from '@commerce/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EndedSessions } from '../src/auth/ended-sessions.js';

/**
 * The gateway's memory of ended sessions beside members' side of it, on a Redis of the test's own (restarted without
 * persistence to lose everything). `ended` answers true or false from memory, or undefined where Redis must be asked.
 */
const PREFIX = 'test-ended:';
let server: RedisServerProcess;
const clients: Redis[] = [];
const gateways: EndedSessions[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
  for (const client of clients.splice(0)) client.disconnect();
});
afterAll(() => server?.stop());

const connect = () => {
  const client = new Redis(server.url, { keyPrefix: PREFIX, maxRetriesPerRequest: 1 });
  client.on('error', () => {}); // refused while the server restarts
  clients.push(client);
  return client;
};
const members = () => new SessionLiveness(connect(), { ttlSeconds: 3_600, accessTokenTtlSeconds: 900, channelPrefix: PREFIX });
const startGateway = async () => {
  const gateway = new EndedSessions({ redis: connect(), channelPrefix: PREFIX });
  gateways.push(gateway);
  await gateway.start();
  return gateway;
};
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('ended sessions in the gateway', () => {
  it('knows a session ended as soon as members ends it, and one ended before it started', async () => {
    const liveness = members();
    const [before, after, alive] = [randomUUID(), randomUUID(), randomUUID()];
    for (const sid of [before, after, alive]) await liveness.keepAlive(sid, randomUUID());
    await liveness.end([before]);

    const gateway = await startGateway();
    const issuedAt = nowSeconds() + 1;
    expect(gateway.ended(before, issuedAt)).toBe(true);
    expect(gateway.ended(after, issuedAt)).toBe(false);
    expect(gateway.ended(alive, issuedAt)).toBe(false);

    await liveness.end([after]);
    await eventually(() => expect(gateway.ended(after, issuedAt)).toBe(true));
    expect(gateway.ended(alive, issuedAt)).toBe(false);
    // Members deleted the records the strict check reads, in the same step.
    expect(await connect().exists(SessionLiveness.key(before), SessionLiveness.key(after), SessionLiveness.key(alive))).toBe(1);
  });

  it('asks Redis while its subscription is down, and for tokens older than a set Redis lost', async () => {
    const liveness = members();
    const [endedEarly, lost] = [randomUUID(), randomUUID()];
    const gateway = await startGateway();
    // A token issued after the set became whole (iat has whole seconds), and a session ended after.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const oldToken = nowSeconds();
    await liveness.end([endedEarly]);
    await eventually(() => expect(gateway.ended(endedEarly, oldToken)).toBe(true));
    expect(gateway.ended(lost, oldToken)).toBe(false);

    // Redis restarts without persistence: the set and its sentinel are gone.
    await server.stop();
    await eventually(() => expect(gateway.ended(lost, oldToken)).toBeUndefined());
    await server.start();
    await eventually(() => expect(gateway.ended(lost, nowSeconds() + 1)).toBe(false), 10_000);
    // An ending from before the loss might be unknown here: tokens issued before it are checked in Redis.
    expect(gateway.ended(lost, oldToken)).toBeUndefined();
    // What it learned before the loss it still knows. A gateway started after the loss never learned it: it asks
    // Redis for tokens from before the loss too, and trusts the set for tokens issued since.
    expect(gateway.ended(endedEarly, nowSeconds() + 1)).toBe(true);
    const next = await startGateway();
    expect(next.ended(endedEarly, oldToken)).toBeUndefined();
    expect(next.ended(lost, nowSeconds() + 1)).toBe(false);
  });
});
