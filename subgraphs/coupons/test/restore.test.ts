import { uuidv7 } from '@commerce/kit';
import { asMember, asService, graphqlData, graphqlRequest, type RunningSubgraph, startTestSubgraph } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { IssuedCoupon } from '../src/issued-coupon/issued-coupon.entity.js';
import type { CouponsServices } from '../src/services.js';
import { CLAIM, createTemplate } from './coupons-harness.js';

let subgraph: RunningSubgraph;
beforeAll(async () => {
  subgraph = await startTestSubgraph(createApp, 'restore', { DB_POOL_MAX: 10 });
});
afterAll(() => subgraph?.close());

const RESERVE = `mutation ($c: ID!, $m: ID!, $o: String!, $l: [CouponLineInput!]!) { reserveCoupon(issuedCouponId: $c, memberId: $m, orderKey: $o, lines: $l) {
  __typename ... on ErrorResult { code } } }`;
const CONFIRM = `mutation ($o: String!) { confirmCouponReservation(orderKey: $o) }`;
const RESTORE = `mutation ($o: String!) { restoreCoupon(orderKey: $o) }`;
const service = () => asService('orders');
const lines = () => [{ variantId: uuidv7(), productId: uuidv7(), storeId: uuidv7(), unitPrice: 30_000, quantity: 1 }];
const restore = (orderKey: string) => graphqlData(subgraph.url, RESTORE, { o: orderKey }, service()).then((data) => data.restoreCoupon as boolean);
const couponRow = (id: string) => subgraph.app.orm.em.fork().findOneOrFail(IssuedCoupon, id);

/** A member's coupon used by a paid order under `orderKey`. */
async function usedCoupon(orderKey: string) {
  const templateId = await createTemplate(subgraph.url, { value: 3_000 });
  const memberId = uuidv7();
  const claimed = (await graphqlData(subgraph.url, CLAIM, { t: templateId, k: 'k' }, asMember(memberId))).claimCoupon;
  await (subgraph.app.services as CouponsServices).persister!.drain();
  const couponId = claimed.id as string;
  expect((await graphqlData(subgraph.url, RESERVE, { c: couponId, m: memberId, o: orderKey, l: lines() }, service())).reserveCoupon.__typename).toBe('CouponReservation');
  expect((await graphqlData(subgraph.url, CONFIRM, { o: orderKey }, service())).confirmCouponReservation).toBe(true);
  return { memberId, couponId };
}

describe('restoreCoupon', () => {
  it('turns the USED coupon of an order back to AVAILABLE, usable by another order; repeats change nothing', async () => {
    const orderKey = `order-${uuidv7()}`;
    const { memberId, couponId } = await usedCoupon(orderKey);
    const answers = await Promise.all([1, 2, 3].map(() => restore(orderKey)));
    expect(answers.sort()).toEqual([false, false, true]);
    expect(await couponRow(couponId)).toMatchObject({ status: 'AVAILABLE', orderKey: null, discountAmount: null, usedAt: null });
    // A later order uses it again; a redelivered restore of the first order must not touch it.
    const next = `order-${uuidv7()}`;
    expect((await graphqlData(subgraph.url, RESERVE, { c: couponId, m: memberId, o: next, l: lines() }, service())).reserveCoupon.__typename).toBe('CouponReservation');
    expect(await restore(orderKey)).toBe(false);
    expect(await couponRow(couponId)).toMatchObject({ status: 'RESERVED', orderKey: next });
  });

  it('gives back an EXPIRED coupon when it is past its expiry', async () => {
    const orderKey = `order-${uuidv7()}`;
    const { couponId } = await usedCoupon(orderKey);
    await subgraph.app.orm.em.fork().execute(`update coupons.issued_coupon set expires_at = now() - interval '1 second' where id = ?`, [couponId]);
    expect(await restore(orderKey)).toBe(true);
    expect(await couponRow(couponId)).toMatchObject({ status: 'EXPIRED', orderKey: null });
  });

  it('leaves a coupon that is only RESERVED alone, and is for services only', async () => {
    const templateId = await createTemplate(subgraph.url, { value: 1_000 });
    const memberId = uuidv7();
    const claimed = (await graphqlData(subgraph.url, CLAIM, { t: templateId, k: 'k' }, asMember(memberId))).claimCoupon;
    await (subgraph.app.services as CouponsServices).persister!.drain();
    const orderKey = `order-${uuidv7()}`;
    await graphqlData(subgraph.url, RESERVE, { c: claimed.id, m: memberId, o: orderKey, l: lines() }, service());
    expect(await restore(orderKey)).toBe(false);
    expect(await couponRow(claimed.id)).toMatchObject({ status: 'RESERVED', orderKey });
    const asMemberCall = await graphqlRequest(subgraph.url, RESTORE, { o: orderKey }, asMember(memberId));
    expect(asMemberCall.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const sdl: string = (await graphqlData(subgraph.url, '{ _service { sdl } }'))._service.sdl;
    expect(sdl).toMatch(/restoreCoupon\(\s*"""[^"]*"""\s*orderKey: String!\s*\): Boolean! @inaccessible/);
  });
});
