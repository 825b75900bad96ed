import { randomUUID } from 'node:crypto';
import { ENDED_SESSIONS_KEY, wholeSinceMark } from '@commerce/kit';
import { SessionLiveness } from '@commerce/members';
import { eventually, type RedisServerProcess, startRedisServer } from '@commerce/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EndedSessions } from '../src/auth/ended-sessions.js';
import { testRedisClients } from './test-redis-clients.js';

/**
 * The gateway's memory of ended sessions beside members' side of it, on a Redis of the test's own (restarted without
 * persistence to lose everything). `ended` answers true or false from memory, or undefined where Redis must be asked.
 */
const PREFIX = 'test-ended:';
const HEARTBEAT_MS = 200;
let server: RedisServerProcess;
const redisClients = testRedisClients(() => server.url, PREFIX);
const connect = redisClients.connect;
const gateways: EndedSessions[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
// A deployment that has run for an hour: the set is whole from then.
beforeEach(async () => {
  await connect().flushall();
  await connect().zadd(ENDED_SESSIONS_KEY, '+inf', wholeSinceMark(Date.now() - 3_600_000));
});
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
  redisClients.disconnectAll();
});
afterAll(() => server?.stop());

const members = () => new SessionLiveness(connect(), { ttlSeconds: 3_600, accessTokenTtlSeconds: 900, channelPrefix: PREFIX });
const startGateway = async () => {
  const gateway = new EndedSessions({ redis: connect(), channelPrefix: PREFIX, heartbeatMs: HEARTBEAT_MS });
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
    const issuedAt = nowSeconds();
    expect(gateway.ended(before, issuedAt)).toBe(true);
    expect(gateway.ended(after, issuedAt)).toBe(false);
    expect(gateway.ended(alive, issuedAt)).toBe(false);

    await liveness.end([after]);
    await eventually(() => expect(gateway.ended(after, issuedAt)).toBe(true));
    expect(gateway.ended(alive, issuedAt)).toBe(false);
    // Members deleted the records the check in Redis reads, in the same step.
    expect(await connect().exists(SessionLiveness.key(before), SessionLiveness.key(after), SessionLiveness.key(alive))).toBe(1);
  });

  it('asks Redis while Redis is away, with no mark, and for tokens issued before the mark of a set Redis lost', async () => {
    const liveness = members();
    const [endedEarly, other] = [randomUUID(), randomUUID()];
    const gateway = await startGateway();
    const oldToken = nowSeconds();
    await liveness.end([endedEarly]);
    await eventually(() => expect(gateway.ended(endedEarly, oldToken)).toBe(true));

    // Redis restarts without persistence: the set and its mark are gone.
    await server.stop();
    await eventually(() => expect(gateway.ended(other, oldToken)).toBeUndefined());
    await server.start();
    await gateway.sync();
    // Read again, the set has no mark: nothing can be told from memory, for any token.
    const newToken = nowSeconds() + 60; // issued well after any mark made from now on
    expect(gateway.ended(other, newToken)).toBeUndefined();

    // Members' next ending marks the set whole from then (its connection may still be coming back).
    await eventually(() => liveness.end([randomUUID()]), 10_000);
    await gateway.sync();
    expect(gateway.ended(other, newToken)).toBe(false);
    expect(gateway.ended(other, oldToken)).toBeUndefined();
    // What it learned before the loss it still knows; a gateway started after never learned it, and asks Redis.
    expect(gateway.ended(endedEarly, newToken)).toBe(true);
    const next = await startGateway();
    expect(next.ended(endedEarly, oldToken)).toBeUndefined();
    expect(next.ended(other, newToken)).toBe(false);
  });

  it('never answers alive for a session ended while its subscription was dropped', async () => {
    const liveness = members();
    const gateway = await startGateway();
    const sid = randomUUID();
    const issuedAt = nowSeconds();
    expect(gateway.ended(sid, issuedAt)).toBe(false);
    const admin = new Redis(server.url);
    try {
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    } finally {
      admin.disconnect();
    }
    await liveness.end([sid]); // published while no gateway listens
    expect(gateway.ended(sid, issuedAt)).not.toBe(false);
    await eventually(() => expect(gateway.ended(sid, issuedAt)).toBe(true));
  });

  it('asks Redis while its subscription does not answer, and trusts memory again once it does', async () => {
    const gateway = await startGateway();
    const sid = randomUUID();
    const issuedAt = nowSeconds();
    await eventually(() => expect(gateway.ended(sid, issuedAt)).toBe(false));
    // Redis holds every client's commands (the connections stay open): the pings go unanswered.
    const admin = new Redis(server.url);
    try {
      await admin.call('CLIENT', 'PAUSE', String(20 * HEARTBEAT_MS), 'ALL');
    } finally {
      admin.disconnect();
    }
    await eventually(() => expect(gateway.ended(sid, issuedAt)).toBeUndefined(), 15 * HEARTBEAT_MS);
    await eventually(() => expect(gateway.ended(sid, issuedAt)).toBe(false), 10_000);
  });
});
