import { uuidv7 } from '@commerce/kit';
import { asMember, asService, graphqlData, graphqlRequest, type RunningSubgraph, startTestSubgraph } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import type { CouponsServices } from '../src/services.js';
import { CLAIM, createTemplate, MY_COUPONS } from './coupons-harness.js';

let subgraph: RunningSubgraph;

beforeAll(async () => {
  subgraph = await startTestSubgraph(createApp, 'reservations', { DB_POOL_MAX: 10 });
});
afterAll(() => subgraph?.close());

const STORE = uuidv7();
const line = (unitPrice: number, quantity = 1, storeId = STORE) => ({ variantId: uuidv7(), productId: uuidv7(), storeId, unitPrice, quantity });
const RESERVE = `mutation ($c: ID!, $m: ID!, $o: String!, $l: [CouponLineInput!]!) { reserveCoupon(issuedCouponId: $c, memberId: $m, orderKey: $o, lines: $l) {
  __typename ... on CouponReservation { orderKey discount { amount currency } templateId } ... on ErrorResult { code message } } }`;
const CONFIRM = `mutation ($o: String!) { confirmCouponReservation(orderKey: $o) }`;
const RELEASE = `mutation ($o: String!) { releaseCouponReservation(orderKey: $o) }`;
const QUOTE = `query ($c: ID!, $l: [CouponLineInput!]!) { couponQuote(issuedCouponId: $c, lines: $l) {
  __typename ... on CouponQuote { discount { amount currency } eligibleAmount { amount } } ... on ErrorResult { code message } } }`;
const service = () => asService('orders');

/** A member holding one coupon of a fresh template (claimed, then persisted). */
async function memberWithCoupon(terms: Record<string, unknown> = {}) {
  const templateId = await createTemplate(subgraph.url, terms);
  const memberId = uuidv7();
  const claimed = (await graphqlData(subgraph.url, CLAIM, { t: templateId, k: 'k' }, asMember(memberId))).claimCoupon;
  await (subgraph.app.services as CouponsServices).persister!.drain();
  return { memberId, couponId: claimed.id as string, templateId };
}

const reserve = (couponId: string, memberId: string, orderKey: string, lines = [line(30_000)]) =>
  graphqlData(subgraph.url, RESERVE, { c: couponId, m: memberId, o: orderKey, l: lines }, service()).then((data) => data.reserveCoupon);

describe('reserve, confirm, release (order saga)', () => {
  it('two concurrent checkouts with the same coupon: one reserves it, the other gets COUPON_NOT_APPLICABLE', async () => {
    for (let round = 0; round < 5; round++) {
      const { memberId, couponId, templateId } = await memberWithCoupon({ value: 3_000 });
      const results = await Promise.all([reserve(couponId, memberId, `order-a-${round}`), reserve(couponId, memberId, `order-b-${round}`)]);
      const types = results.map((result) => result.__typename).sort();
      expect(types).toEqual(['CouponNotApplicable', 'CouponReservation']);
      expect(results.find((result) => result.__typename === 'CouponNotApplicable').code).toBe('COUPON_NOT_APPLICABLE');
      // The template, which the order shows as its coupon.
      expect(results.find((result) => result.__typename === 'CouponReservation')).toMatchObject({ discount: { amount: 3_000, currency: 'KRW' }, templateId });
    }
  });

  it('20 concurrent checkouts racing for one coupon: exactly one wins', async () => {
    const { memberId, couponId } = await memberWithCoupon();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => reserve(couponId, memberId, `race-${i}`)));
    expect(results.filter((result) => result.__typename === 'CouponReservation')).toHaveLength(1);
    const [row] = await subgraph.app.orm.em.fork().execute(`select status, order_key from coupons.issued_coupon where id = ?`, [couponId]);
    expect(row?.status).toBe('RESERVED');
    expect(results.find((result) => result.__typename === 'CouponReservation').orderKey).toBe(row?.order_key);
  });

  it('reserve is idempotent per orderKey, even raced and even with other lines; confirm and release too', async () => {
    const { memberId, couponId, templateId } = await memberWithCoupon({ kind: 'PERCENT', value: 10, maxDiscount: 5_000 });
    const first = await Promise.all(Array.from({ length: 5 }, () => reserve(couponId, memberId, 'order-1', [line(12_345)])));
    expect(first).toEqual(Array(5).fill({ __typename: "CouponReservation", orderKey: "order-1", discount: { amount: 1_234, currency: "KRW" }, templateId }));
    expect(await reserve(couponId, memberId, 'order-1', [line(99_999)])).toMatchObject({ discount: { amount: 1_234 } });
    // The coupon is held: a quote or another order cannot use it.
    expect((await reserve(couponId, memberId, 'order-2')).message).toMatch(/another order/);

    expect((await graphqlData(subgraph.url, RELEASE, { o: 'order-1' }, service())).releaseCouponReservation).toBe(true);
    expect((await graphqlData(subgraph.url, RELEASE, { o: 'order-1' }, service())).releaseCouponReservation).toBe(false);
    expect((await graphqlData(subgraph.url, CONFIRM, { o: 'order-1' }, service())).confirmCouponReservation).toBe(false);

    expect(await reserve(couponId, memberId, 'order-2', [line(80_000)])).toMatchObject({ discount: { amount: 5_000 } });
    const confirms = await Promise.all([1, 2, 3].map(() => graphqlData(subgraph.url, CONFIRM, { o: 'order-2' }, service())));
    expect(confirms.map((data) => data.confirmCouponReservation)).toEqual([true, true, true]);
    expect((await graphqlData(subgraph.url, RELEASE, { o: 'order-2' }, service())).releaseCouponReservation).toBe(false);
    expect((await reserve(couponId, memberId, 'order-3')).message).toMatch(/used/);
    const used = (await graphqlData(subgraph.url, MY_COUPONS, { s: 'USED' }, asMember(memberId))).myCoupons;
    expect(used.map((coupon: { id: string }) => coupon.id)).toEqual([couponId]);
  });

  it('refuses coupons not owned, expired, out of scope or below the minimum, with COUPON_NOT_APPLICABLE', async () => {
    const { memberId, couponId } = await memberWithCoupon({ scope: 'STORE', scopeIds: [STORE], minOrderAmount: 20_000 });
    expect((await reserve(couponId, uuidv7(), 'x1')).code).toBe('COUPON_NOT_APPLICABLE');
    expect((await reserve(uuidv7(), memberId, 'x2')).code).toBe('COUPON_NOT_APPLICABLE');
    expect((await reserve(couponId, memberId, 'x3', [line(50_000, 1, uuidv7())])).message).toMatch(/scope/);
    expect((await reserve(couponId, memberId, 'x4', [line(10_000), line(50_000, 1, uuidv7())])).message).toMatch(/minimum/);
    await subgraph.app.orm.em.fork().execute(`update coupons.issued_coupon set expires_at = now() - interval '1 second' where id = ?`, [couponId]);
    expect((await reserve(couponId, memberId, 'x5')).message).toMatch(/expired/);
  });

  it('is internal: members get FORBIDDEN', async () => {
    const response = await graphqlRequest(subgraph.url, CONFIRM, { o: 'x' }, asMember(uuidv7()));
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('couponQuote and expiry', () => {
  it('quotes the discount on given lines for the owner only, without holding the coupon', async () => {
    const { memberId, couponId } = await memberWithCoupon({ kind: 'PERCENT', value: 15 });
    const quote = (await graphqlData(subgraph.url, QUOTE, { c: couponId, l: [line(10_001), line(5_000, 2)] }, asMember(memberId))).couponQuote;
    expect(quote).toEqual({ __typename: 'CouponQuote', discount: { amount: 3_000, currency: 'KRW' }, eligibleAmount: { amount: 20_001 } });
    expect((await graphqlData(subgraph.url, QUOTE, { c: couponId, l: [line(1_000)] }, asMember(uuidv7()))).couponQuote.code).toBe('COUPON_NOT_APPLICABLE');
    const bad = await graphqlRequest(subgraph.url, QUOTE, { c: couponId, l: [line(-1)] }, asMember(memberId));
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lines' });
    expect((await reserve(couponId, memberId, 'after-quote')).__typename).toBe('CouponReservation');
  });

  it('shows a coupon past its expiry as EXPIRED at once, and the sweep stores it so', async () => {
    const { memberId, couponId } = await memberWithCoupon();
    await subgraph.app.orm.em.fork().execute(`update coupons.issued_coupon set expires_at = now() - interval '1 second' where id = ?`, [couponId]);
    expect((await graphqlData(subgraph.url, MY_COUPONS, { s: 'AVAILABLE' }, asMember(memberId))).myCoupons).toEqual([]);
    expect((await graphqlData(subgraph.url, MY_COUPONS, { s: 'EXPIRED' }, asMember(memberId))).myCoupons[0]).toMatchObject({ id: couponId, status: 'EXPIRED' });
    const { sweepExpiredCoupons } = await import('../src/issued-coupon/issued-coupon.service.js');
    expect(await sweepExpiredCoupons(subgraph.app.orm.em.fork())).toBeGreaterThanOrEqual(1);
    const [row] = await subgraph.app.orm.em.fork().execute(`select status from coupons.issued_coupon where id = ?`, [couponId]);
    expect(row?.status).toBe('EXPIRED');
  });
});
