import { uuidv7 } from '@commerce/kit';
import { asMember, graphqlData, graphqlRequest, type RunningSubgraph, startTestSubgraph } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import type { CouponsServices } from '../src/services.js';
import { CLAIM, createTemplate, MY_COUPONS, pooledGraphqlData, REDEEM } from './coupons-harness.js';

let subgraph: RunningSubgraph;
let services: CouponsServices;

beforeAll(async () => {
  // The persister only runs when drained, so the tests see Redis ahead of PostgreSQL and then catching up.
  subgraph = await startTestSubgraph((config) => createApp({ ...config, COUPON_CLAIM_POLL_MS: 3_600_000 }), 'claims', { DB_POOL_MAX: 10 });
  services = subgraph.app.services as CouponsServices;
});
afterAll(() => subgraph?.close());

const claim = (templateId: string, memberId: string, key: string) =>
  pooledGraphqlData(subgraph.url, CLAIM, { t: templateId, k: key }, asMember(memberId)).then((data) => data.claimCoupon);

async function storedClaims(templateId: string) {
  return subgraph.app.orm.em.fork().execute<{ id: string; member_id: string; member_seq: number }[]>(
    `select id, member_id, member_seq from coupons.issued_coupon where template_id = ?`,
    [templateId],
  );
}

describe('first-come claims', () => {
  it('5,000 members racing for 1,000 coupons: exactly 1,000 issued, and PostgreSQL agrees with Redis once drained', { timeout: 120_000 }, async () => {
    const templateId = await createTemplate(subgraph.url, { name: 'First 1,000', totalLimit: 1_000 });
    const members = Array.from({ length: 5_000 }, () => uuidv7());
    const results = await Promise.all(members.map((member) => claim(templateId, member, 'go')));
    const issued = results.filter((result) => result.__typename === 'IssuedCoupon');
    expect(issued).toHaveLength(1_000);
    expect(results.filter((result) => result.code === 'COUPON_SOLD_OUT')).toHaveLength(4_000);
    expect(new Set(issued.map((coupon) => coupon.id)).size).toBe(1_000);

    const redis = await services.claims.snapshot(templateId);
    expect(redis.remaining).toBe(0);
    expect(Object.keys(redis.members)).toHaveLength(1_000);

    expect(await services.persister!.drain()).toBe(1_000);
    const rows = await storedClaims(templateId);
    expect(rows).toHaveLength(1_000);
    expect(new Set(rows.map((row) => row.id))).toEqual(new Set(issued.map((coupon) => coupon.id)));
    expect(new Set(rows.map((row) => row.member_id))).toEqual(new Set(Object.keys(redis.members)));
    expect(rows.every((row) => row.member_seq === 1)).toBe(true);
    // Drained means drained: nothing pending, a second drain writes nothing.
    expect(await services.persister!.drain()).toBe(0);
  });

  it("one member's 20 concurrent claims with different keys get one coupon; the rest ALREADY_CLAIMED", async () => {
    const templateId = await createTemplate(subgraph.url, { totalLimit: 100 });
    const member = uuidv7();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => claim(templateId, member, `key-${i}`)));
    expect(results.filter((result) => result.__typename === 'IssuedCoupon')).toHaveLength(1);
    expect(results.filter((result) => result.code === 'ALREADY_CLAIMED')).toHaveLength(19);
    await services.persister!.drain();
    expect(await storedClaims(templateId)).toHaveLength(1);
    expect((await services.claims.snapshot(templateId)).remaining).toBe(99);
  });

  it('20 concurrent claims with one idempotency key all return the same coupon', async () => {
    const templateId = await createTemplate(subgraph.url, { totalLimit: 100 });
    const member = uuidv7();
    const results = await Promise.all(Array.from({ length: 20 }, () => claim(templateId, member, 'same')));
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(results[0]).toMatchObject({ __typename: 'IssuedCoupon', status: 'AVAILABLE', template: { id: templateId } });
    await services.persister!.drain();
    expect(await storedClaims(templateId)).toHaveLength(1);
    const mine = (await graphqlData(subgraph.url, MY_COUPONS, { s: 'AVAILABLE' }, asMember(member))).myCoupons;
    expect(mine.map((coupon: { id: string }) => coupon.id)).toEqual([results[0].id]);
  });

  it('answers COUPON_NOT_STARTED before the window, COUPON_EXPIRED after, COUPON_NOT_FOUND for unknown or coded templates', async () => {
    const later = await createTemplate(subgraph.url, { validFrom: new Date(Date.now() + 3600_000).toISOString(), validTo: null });
    expect((await claim(later, uuidv7(), 'k')).code).toBe('COUPON_NOT_STARTED');
    const ended = await createTemplate(subgraph.url, {
      validFrom: new Date(Date.now() - 7200_000).toISOString(),
      validTo: new Date(Date.now() - 3600_000).toISOString(),
    });
    expect((await claim(ended, uuidv7(), 'k')).code).toBe('COUPON_EXPIRED');
    expect((await claim(uuidv7(), uuidv7(), 'k')).code).toBe('COUPON_NOT_FOUND');
    expect((await claim('garbage', uuidv7(), 'k')).code).toBe('COUPON_NOT_FOUND');
    const coded = await createTemplate(subgraph.url, { code: 'SECRET-CODE' });
    expect((await claim(coded, uuidv7(), 'k')).code).toBe('COUPON_NOT_FOUND');
  });

  it('rebuilds its counters from PostgreSQL when Redis lost them', async () => {
    const templateId = await createTemplate(subgraph.url, { totalLimit: 3 });
    await claim(templateId, uuidv7(), 'a');
    const repeat = uuidv7();
    await claim(templateId, repeat, 'b');
    await services.persister!.drain();
    await subgraph.app.redis.del(`cpn:{${templateId}}:state`, `cpn:{${templateId}}:members`);
    expect((await claim(templateId, repeat, 'c')).code).toBe('ALREADY_CLAIMED');
    expect((await claim(templateId, uuidv7(), 'd')).__typename).toBe('IssuedCoupon');
    expect((await claim(templateId, uuidv7(), 'e')).code).toBe('COUPON_SOLD_OUT');
  });

  it('requires a member', async () => {
    const response = await graphqlRequest(subgraph.url, CLAIM, { t: uuidv7(), k: 'k' });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('redeemCouponCode', () => {
  it('redeems a code in any case up to the per-member limit, under concurrency', async () => {
    const templateId = await createTemplate(subgraph.url, { code: 'Spring-Sale', perMemberLimit: 2, totalLimit: 50 });
    const member = uuidv7();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => graphqlData(subgraph.url, REDEEM, { c: ' spring-sale ' }, asMember(member)).then((data) => data.redeemCouponCode)),
    );
    expect(results.filter((result) => result.__typename === 'IssuedCoupon')).toHaveLength(2);
    expect(results.filter((result) => result.code === 'ALREADY_CLAIMED')).toHaveLength(8);
    await services.persister!.drain();
    const rows = await storedClaims(templateId);
    expect(rows.map((row) => row.member_seq).sort()).toEqual([1, 2]);
    const unknown = (await graphqlData(subgraph.url, REDEEM, { c: 'NOPE-NOPE' }, asMember(member))).redeemCouponCode;
    expect(unknown.code).toBe('COUPON_NOT_FOUND');
  });
});
