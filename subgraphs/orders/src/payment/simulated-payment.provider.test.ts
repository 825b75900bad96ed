import { createRedis } from '@commerce/kit';
import { createTestRedisNamespace, type TestRedisNamespace } from '@commerce/testkit';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECLINED_TEST_METHOD, SimulatedPaymentProvider } from './simulated-payment.provider.js';

let namespace: TestRedisNamespace;
let redis: Redis;
beforeAll(() => {
  namespace = createTestRedisNamespace('paysim');
  redis = createRedis({ url: namespace.url, keyPrefix: namespace.keyPrefix });
});
afterAll(async () => {
  await redis.quit();
  await namespace.cleanup();
});

const request = (key: string, method = 'card:visa-4242') => ({ idempotencyKey: key, amount: 10_000, currency: 'KRW', method });

describe('simulated payment provider', () => {
  it('answers a repeated key with the first answer, also when calls race', async () => {
    const provider = new SimulatedPaymentProvider(redis, { latencyMs: 0, declineRate: 0.5 });
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 10 }, () => provider.authorize(request(key))));
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
  });

  it('declines at the configured rate and for the declined test method', async () => {
    const always = new SimulatedPaymentProvider(redis, { latencyMs: 0, declineRate: 1 });
    const never = new SimulatedPaymentProvider(redis, { latencyMs: 0, declineRate: 0 });
    expect((await always.authorize(request(randomUUID()))).status).toBe('DECLINED');
    expect((await never.authorize(request(randomUUID()))).status).toBe('AUTHORIZED');
    expect((await never.authorize(request(randomUUID(), DECLINED_TEST_METHOD))).status).toBe('DECLINED');
    let draws = 0;
    const half = new SimulatedPaymentProvider(redis, { latencyMs: 0, declineRate: 0.5, random: () => (draws++ % 2 ? 0.9 : 0.1) });
    const statuses = await Promise.all(Array.from({ length: 4 }, () => half.authorize(request(randomUUID())).then((a) => a.status)));
    expect(statuses.filter((status) => status === 'DECLINED')).toHaveLength(2);
  });

  it('takes its configured time', async () => {
    const slow = new SimulatedPaymentProvider(redis, { latencyMs: 100, declineRate: 0 });
    const started = Date.now();
    await slow.authorize(request(randomUUID()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('captures once, voids only what is not captured, and a void before the authorize blocks it', async () => {
    const provider = new SimulatedPaymentProvider(redis, { latencyMs: 0, declineRate: 0 });
    const key = randomUUID();
    const authorization = await provider.authorize(request(key));
    if (authorization.status !== 'AUTHORIZED') throw new Error('expected an authorization');
    expect(await provider.capture(authorization.paymentId)).toBe(true);
    expect(await provider.capture(authorization.paymentId)).toBe(true);
    await expect(provider.voidByKey(key)).rejects.toThrow(/captured/);
    await provider.refund(authorization.paymentId, 4_000, 'r1');
    await provider.refund(authorization.paymentId, 4_000, 'r1');
    expect(await provider.inspect(key)).toMatchObject({ status: 'CAPTURED', refunded: 4_000 });
    await expect(provider.refund(authorization.paymentId, 7_000, 'r2')).rejects.toThrow(/exceed/);

    const late = randomUUID();
    await provider.voidByKey(late);
    expect((await provider.authorize(request(late))).status).toBe('DECLINED');
  });
});
