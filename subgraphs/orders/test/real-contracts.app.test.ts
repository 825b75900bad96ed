import { demoId } from '@commerce/kit';
import { asMember, graphqlData } from '@commerce/testkit';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Commerce } from './commerce-harness.js';

/** The saga against the real coupons subgraph and inventory's real time-sale operations (no stand-in). */
let commerce: Commerce;
beforeAll(async () => {
  commerce = await Commerce.start('orders_real', {}, { real: true });
}, 120_000);
afterAll(() => commerce?.close());

const MUG = demoId('variant:enamel-mug-white');
const SHIRT_L = demoId('variant:linen-shirt-l');

async function welcomeCoupon(member: string): Promise<string> {
  const data = await graphqlData(commerce.urls.coupons!, 'mutation { redeemCouponCode(code: "WELCOME") { __typename ... on IssuedCoupon { id } ... on ErrorResult { code } } }', {}, asMember(member));
  expect(data.redeemCouponCode.__typename).toBe('IssuedCoupon');
  return data.redeemCouponCode.id;
}

async function couponStatus(member: string, couponId: string): Promise<string> {
  const data = await graphqlData(commerce.urls.coupons!, '{ myCoupons { id status } }', {}, asMember(member));
  return data.myCoupons.find((coupon: { id: string }) => coupon.id === couponId)?.status;
}

async function checkoutMugs(member: string, input: Record<string, unknown>) {
  const added = await commerce.call('mutation { addToCart(variantId: "' + MUG + '", quantity: 2) { lines { id } } }', {}, member);
  const response = await commerce.call(
    'mutation ($input: CheckoutInput!) { checkout(input: $input) { __typename ... on Order { id status discount { amount } total { amount } } ... on ErrorResult { code message } } }',
    { input: { cartLineIds: [added.data.addToCart.lines[0].id], paymentMethod: 'card:visa-4242', idempotencyKey: randomUUID(), ...input } },
    member,
  );
  expect(response.errors).toBeUndefined();
  return response.data.checkout;
}

describe('checkout against the real coupons and time-sale operations', () => {
  it('uses a real coupon, and gives it back when a later step fails', async () => {
    const member = await commerce.newMember(1_000);
    const coupon = await welcomeCoupon(member);
    commerce.orders.services.saga.fault = { step: 'AUTHORIZE_PAYMENT', mode: 'fail' };
    try {
      expect(await checkoutMugs(member, { couponId: coupon, pointsToUse: 1_000 })).toMatchObject({ code: 'CHECKOUT_FAILED' });
    } finally {
      commerce.orders.services.saga.fault = null;
    }
    expect(await couponStatus(member, coupon)).toBe('AVAILABLE');
    expect(await commerce.points(member)).toBe(1_000);

    const order = await checkoutMugs(member, { couponId: coupon, pointsToUse: 1_000 });
    // The failed checkout left its two mugs in the cart; this one buys all four.
    expect(order).toMatchObject({ status: 'PAID', discount: { amount: 3_000 }, total: { amount: 48_000 - 3_000 - 1_000 } });
    expect(await couponStatus(member, coupon)).toBe('USED');
    const again = await checkoutMugs(member, { couponId: coupon });
    expect(again.code).toBe('COUPON_NOT_APPLICABLE');
  });

  it('buys a real time-sale claim at the sale price', async () => {
    const startsAt = new Date(Date.now() + 1_000);
    const sale = await graphqlData(
      commerce.urls.inventory!,
      'mutation ($input: CreateTimeSaleInput!) { createTimeSale(input: $input) { __typename ... on TimeSale { id } ... on ErrorResult { code message } } }',
      { input: { variantId: SHIRT_L, price: 19_000, quantity: 3, startsAt: startsAt.toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), perMemberLimit: 1 } },
      asMember(randomUUID(), ['ADMIN']),
    ).then((data) => data.createTimeSale);
    expect(sale.__typename, JSON.stringify(sale)).toBe('TimeSale');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const member = await commerce.newMember();
    const claimed = await graphqlData(
      commerce.urls.inventory!,
      'mutation ($s: ID!, $k: String!) { claimTimeSale(saleId: $s, quantity: 1, idempotencyKey: $k) { __typename ... on TimeSaleClaim { id } ... on ErrorResult { code message } } }',
      { s: sale.id, k: randomUUID() },
      asMember(member),
    );
    expect(claimed.claimTimeSale.__typename, JSON.stringify(claimed)).toBe('TimeSaleClaim');
    const response = await commerce.call(
      'mutation ($input: CheckoutInput!) { checkout(input: $input) { __typename ... on Order { id status total { amount } } ... on ErrorResult { code message } } }',
      { input: { timeSaleClaimId: claimed.claimTimeSale.id, paymentMethod: 'card:visa-4242', idempotencyKey: randomUUID() } },
      member,
    );
    expect(response.data?.checkout, JSON.stringify(response)).toMatchObject({ __typename: 'Order', status: 'PAID', total: { amount: 19_000 } });
    const claim = await graphqlData(
      commerce.urls.inventory!,
      'query ($id: ID!) { timeSaleClaimForCheckout(claimId: $id) { status } }',
      { id: claimed.claimTimeSale.id },
      (await import('@commerce/testkit')).asService('orders'),
    );
    expect(claim.timeSaleClaimForCheckout.status).toBe('CONSUMED');
  });
});
