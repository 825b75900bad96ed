import { randomUUID } from 'node:crypto';
import { graphqlData } from '@commerce/testkit';
import { Redis } from 'ioredis';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';

let supergraph: RunningSupergraph;
let redis: Redis;
const tokens: Record<string, string> = {};
/** A second client address: Linux answers on all of 127.0.0.0/8, so a socket bound to 127.0.0.2 is another client. */
const otherAddress = new Agent({ localAddress: '127.0.0.2' });

/** A GraphQL POST from 127.0.0.1, or from `from`'s address, with the status and the Retry-After header. */
async function call(query: string, variables: Record<string, unknown> = {}, options: { token?: string; from?: Agent } = {}) {
  const response = await fetch(supergraph.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    dispatcher: options.from,
  });
  const body = (await response.json()) as { data?: any; errors?: { message: string; extensions?: any }[] };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), ...body };
}
const code = (response: { errors?: { extensions?: any }[] }) => response.errors?.[0]?.extensions?.code;

const RESET = 'mutation ($email: String!) { requestPasswordReset(email: $email) }';
const REDEEM = 'mutation ($code: String!) { redeemCouponCode(code: $code) { __typename } }';
const CLAIM = 'mutation ($t: ID!, $k: String!) { claimCoupon(templateId: $t, idempotencyKey: $k) { __typename } }';

beforeAll(async () => {
  supergraph = await startSupergraph('rate-limits', {
    RATE_LIMITS: 'requestPasswordReset:address=3/1m,redeemCouponCode:member=3/1m,redeemCouponCode:address=5/1m,claimCoupon:member=10/1m',
  });
  redis = new Redis(supergraph.env.config.REDIS_URL);
  for (const name of ['alice', 'bob', 'mina']) tokens[name] = await supergraph.logIn(`${name}@demo.commerce`);
}, 120_000);
afterAll(async () => {
  redis?.disconnect();
  await otherAddress.close();
  await supergraph?.close();
});

describe('rate limits on expensive mutations', () => {
  it('per client address: the call past the limit is RATE_LIMITED with 429 and Retry-After; another address is not', async () => {
    for (let i = 0; i < 3; i++) {
      const allowed = await call(RESET, { email: `nobody-${randomUUID()}@example.test` });
      expect(allowed.data).toEqual({ requestPasswordReset: true });
    }
    const refused = await call(RESET, { email: `nobody-${randomUUID()}@example.test` });
    expect(refused.status).toBe(429);
    expect(refused.data).toBeUndefined();
    expect(code(refused)).toBe('RATE_LIMITED');
    const retryAfterSeconds = refused.errors?.[0]?.extensions?.retryAfterSeconds;
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(refused.retryAfter).toBe(String(retryAfterSeconds));
    expect(refused.errors?.[0]?.extensions?.http).toBeUndefined();

    const elsewhere = await call(RESET, { email: `nobody-${randomUUID()}@example.test` }, { from: otherAddress });
    expect(elsewhere.errors).toBeUndefined();
    expect(elsewhere.data).toEqual({ requestPasswordReset: true });
  });

  it('per member, and per address across members; refused calls are not counted', async () => {
    for (let i = 0; i < 3; i++) expect((await call(REDEEM, { code: 'NO-SUCH-CODE' }, { token: tokens.alice })).data?.redeemCouponCode).toBeTruthy();
    expect(code(await call(REDEEM, { code: 'NO-SUCH-CODE' }, { token: tokens.alice }))).toBe('RATE_LIMITED');
    // Bob has calls left, and so has the address (3 of 5: Alice's refused call did not count)…
    for (let i = 0; i < 2; i++) expect((await call(REDEEM, { code: 'NO-SUCH-CODE' }, { token: tokens.bob })).data?.redeemCouponCode).toBeTruthy();
    // …until the address's five are used up; from another address Bob still has one call.
    expect(code(await call(REDEEM, { code: 'NO-SUCH-CODE' }, { token: tokens.bob }))).toBe('RATE_LIMITED');
    expect((await call(REDEEM, { code: 'NO-SUCH-CODE' }, { token: tokens.bob, from: otherAddress })).data?.redeemCouponCode).toBeTruthy();
    expect(code(await call(REDEEM, { code: 'NO-SUCH-CODE' }, { token: tokens.bob, from: otherAddress }))).toBe('RATE_LIMITED');
    // Aliases are calls too: Mina's two fit (2 of her 3), two more do not, though one would.
    const twice = `mutation { a: redeemCouponCode(code: "X") { __typename } b: redeemCouponCode(code: "Y") { __typename } }`;
    expect(code(await call(twice, {}, { token: tokens.mina, from: otherAddress }))).toBeUndefined();
    expect(code(await call(twice, {}, { token: tokens.mina, from: otherAddress }))).toBe('RATE_LIMITED');
  });

  it('never admits more than the limit, however many calls arrive at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => call(CLAIM, { t: 'no-such-template', k: randomUUID() }, { token: tokens.mina })),
    );
    const refused = answers.filter((answer) => code(answer) === 'RATE_LIMITED');
    expect(refused).toHaveLength(30);
    expect(answers.filter((answer) => code(answer) !== 'RATE_LIMITED')).toHaveLength(10);
    const me = await graphqlData(supergraph.gatewayUrl, '{ me { id } }', {}, { authorization: `Bearer ${tokens.mina}` });
    expect(await redis.get(`${supergraph.env.config.REDIS_KEY_PREFIX}gateway:rl:claimCoupon:member:${me.me.id}`)).toBe('10');
  });

  it('counts nothing for queries and for mutations without a limit', async () => {
    const prefix = `${supergraph.env.config.REDIS_KEY_PREFIX}gateway:rl:`;
    await graphqlData(supergraph.gatewayUrl, '{ categories { slug } }');
    await call('mutation { logOut }', {}, { token: await supergraph.logIn('joon@demo.commerce') });
    const fields = new Set((await redis.keys(`${prefix}*`)).map((key) => key.slice(prefix.length).split(':')[0]));
    expect([...fields].sort()).toEqual(['claimCoupon', 'logIn', 'redeemCouponCode', 'requestPasswordReset']);
  });
});
