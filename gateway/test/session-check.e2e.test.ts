import { ENDED_SESSIONS_KEY, wholeSinceMark } from '@commerce/kit';
import { eventually, graphqlRequest, metricValue, parseMetrics, type RedisServerProcess, startRedisServer } from '@commerce/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';

/**
 * The session check of every request, through the gateway, on a Redis of the test's own (watched with MONITOR for the
 * session lookups): by default from the ended sessions held in memory, without a Redis call per request;
 * SESSION_CHECK=redis asks Redis each time. Either way a log-out ends the session's access tokens at once.
 */
let redis: RedisServerProcess;
let supergraph: RunningSupergraph;
let stats: Redis;
let monitor: Awaited<ReturnType<Redis['monitor']>>;
/** Every command Redis ran, in order, as MONITOR reports it. */
const commands: string[][] = [];

const PREFIX = 'session-check:';

beforeAll(async () => {
  redis = await startRedisServer();
  stats = new Redis(redis.url);
  // A deployment that has run for an hour: its ended-sessions set is whole from then (see ended-sessions in the kit).
  await stats.zadd(`${PREFIX}${ENDED_SESSIONS_KEY}`, '+inf', wholeSinceMark(Date.now() - 3_600_000));
  monitor = await new Redis(redis.url).monitor();
  monitor.on('monitor', (_time: string, args: string[]) => commands.push(args));
  const settings = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: PREFIX };
  supergraph = await startSupergraph('session-check', settings, settings);
}, 120_000);
afterAll(async () => {
  monitor?.disconnect();
  stats?.disconnect();
  await supergraph?.close();
  await redis?.stop();
});

/** The session lookups (`EXISTS <prefix>session:<sid>`) Redis ran while `act` ran. */
async function sessionLookupsDuring(act: () => Promise<void>): Promise<number> {
  const from = commands.length;
  await act();
  // MONITOR reports commands in the order Redis ran them: once this marker is in, so is every lookup before it.
  const marker = `marker-${Date.now()}-${Math.random()}`;
  await stats.echo(marker);
  await eventually(() => expect(commands.some((args) => args[1] === marker)).toBe(true));
  return commands.slice(from).filter(([name, key]) => name?.toLowerCase() === 'exists' && key?.startsWith(`${PREFIX}session:`)).length;
}
/** The gateway's count of session checks answered by `answeredBy`. */
async function checksBy(gatewayUrl: string, answeredBy: 'memory' | 'redis'): Promise<number> {
  const samples = parseMetrics(await (await fetch(gatewayUrl.replace(/\/graphql$/, '/metrics'))).text());
  return metricValue(samples, 'gateway_session_checks_total', { answered_by: answeredBy }) ?? 0;
}
const me = (url: string, token: string) => graphqlRequest(url, '{ me { email } }', {}, { authorization: `Bearer ${token}` });

describe('the session check', () => {
  it('costs no Redis call per request, and still ends a session at its log-out', async () => {
    const token = await supergraph.logIn('alice@demo.commerce');
    const [fromMemory, fromRedis] = [await checksBy(supergraph.gatewayUrl, 'memory'), await checksBy(supergraph.gatewayUrl, 'redis')];
    const lookups = await sessionLookupsDuring(async () => {
      for (let i = 0; i < 20; i++) expect((await me(supergraph.gatewayUrl, token)).data.me.email).toBe('alice@demo.commerce');
    });
    expect(lookups).toBe(0);
    expect((await checksBy(supergraph.gatewayUrl, 'memory')) - fromMemory).toBe(20);
    expect(await checksBy(supergraph.gatewayUrl, 'redis')).toBe(fromRedis);

    const logOut = await graphqlRequest(supergraph.gatewayUrl, 'mutation { logOut }', {}, { authorization: `Bearer ${token}` });
    expect(logOut.errors).toBeUndefined();
    expect(logOut.data.logOut).toBe(true);
    // Refused from memory: still no Redis call for it.
    const refusal = await sessionLookupsDuring(async () => {
      const after = await me(supergraph.gatewayUrl, token);
      expect(after.status).toBe(401);
      expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
    expect(refusal).toBe(0);
  });

  it('asks Redis on every request with SESSION_CHECK=redis, with the same answers', async () => {
    const peer = await supergraph.startGateway({ SESSION_CHECK: 'redis' });
    const token = await supergraph.logIn('bob@demo.commerce');
    const fromRedis = await checksBy(peer.url, 'redis');
    const lookups = await sessionLookupsDuring(async () => {
      for (let i = 0; i < 20; i++) expect((await me(peer.url, token)).data.me.email).toBe('bob@demo.commerce');
    });
    expect(lookups).toBe(20);
    expect((await checksBy(peer.url, 'redis')) - fromRedis).toBe(20);

    await graphqlRequest(peer.url, 'mutation { logOut }', {}, { authorization: `Bearer ${token}` });
    for (const url of [peer.url, supergraph.gatewayUrl]) expect((await me(url, token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
