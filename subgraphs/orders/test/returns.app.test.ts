import { demoId } from '@commerce/kit';
import { asMember, eventually, graphqlData, graphqlRequest } from '@commerce/testkit';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedPaymentProvider } from '../src/payment/simulated-payment.provider.js';
import { Commerce } from './commerce-harness.js';

/**
 * Cancelling and refunding paid orders against the real members, inventory and coupons: the outbox relay
 * delivers `stock.return`, `points.refund` and `coupon.restore`, and delivering them again changes nothing.
 */
let commerce: Commerce;
beforeAll(async () => {
  commerce = await Commerce.start('orders_returns', {}, { real: true });
}, 120_000);
afterAll(() => commerce?.close());

const MUG = demoId('variant:enamel-mug-white'); // 12,000 KRW, Joon Gear
const joon = asMember(demoId('member:joon'), ['CUSTOMER', 'SELLER']);
const CHANGE = (field: string, withReason = false) =>
  `mutation ($id: ID!${withReason ? ', $reason: String!' : ''}) { ${field}(orderId: $id${withReason ? ', reason: $reason' : ''}) {
    __typename ... on Order { status } ... on ErrorResult { code message } } }`;

async function change(field: string, orderId: string, headers: Record<string, string>, reason?: string): Promise<string> {
  const response = await graphqlRequest(commerce.ordersUrl, CHANGE(field, !!reason), { id: orderId, ...(reason ? { reason } : {}) }, headers);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data[field].status ?? response.data[field].code;
}

async function couponStatus(member: string, couponId: string): Promise<string> {
  const data = await graphqlData(commerce.urls.coupons!, '{ myCoupons { id status } }', {}, asMember(member));
  return data.myCoupons.find((coupon: { id: string }) => coupon.id === couponId)?.status;
}

/** A member with 1,000 points and the WELCOME coupon buys two mugs using both; the order is PAID. */
async function paidOrder() {
  const member = await commerce.newMember(1_000);
  const redeemed = await graphqlData(commerce.urls.coupons!, 'mutation { redeemCouponCode(code: "WELCOME") { __typename ... on IssuedCoupon { id } } }', {}, asMember(member));
  const couponId = redeemed.redeemCouponCode.id as string;
  const added = await commerce.call(`mutation { addToCart(variantId: "${MUG}", quantity: 2) { lines { id } } }`, {}, member);
  const response = await commerce.call(
    'mutation ($input: CheckoutInput!) { checkout(input: $input) { __typename ... on Order { id status } ... on ErrorResult { code message } } }',
    { input: { cartLineIds: [added.data.addToCart.lines[0].id], paymentMethod: 'card:visa-4242', idempotencyKey: randomUUID(), couponId, pointsToUse: 1_000 } },
    member,
  );
  expect(response.data?.checkout, JSON.stringify(response)).toMatchObject({ __typename: 'Order', status: 'PAID' });
  expect(await commerce.points(member)).toBe(0);
  expect(await couponStatus(member, couponId)).toBe('USED');
  return { member, couponId, orderId: response.data.checkout.id as string };
}

/** Everything the returns touch, to compare before and after a redelivery. */
async function snapshot(member: string, couponId: string, orderId: string) {
  const returns = await commerce.upstream.inventory.orm.em
    .fork()
    .execute<{ n: number }[]>(`select count(*)::int as n from "inventory"."stock_movement" where "kind" = 'RETURN' and "reason" like ?`, [`Returned under return:${orderId}:%`]);
  const refunds = await commerce.upstream.members.orm.em
    .fork()
    .execute<{ n: number }[]>(`select count(*)::int as n from "members"."point_entry" where "kind" = 'REFUND' and "member_id" = ?`, [member]);
  return { stock: await commerce.stock(MUG), points: await commerce.points(member), coupon: await couponStatus(member, couponId), returns: returns[0]!.n, refunds: refunds[0]!.n };
}

/** Marks the order's delivered outbox messages due again and drains the relay: what a crash before the relay's commit would replay. */
async function redeliver(orderId: string): Promise<number> {
  const em = commerce.orders.orm.em.fork();
  const replayed = await em.execute(
    `update "orders"."outbox_message" set "delivered_at" = null, "next_attempt_at" = now() where "payload"->>'orderId' = ? and "delivered_at" is not null`,
    [orderId],
    'run',
  );
  commerce.orders.services.wakeOutbox();
  await eventually(async () => {
    const [pending] = await em.fork().execute<{ n: number }[]>(
      `select count(*)::int as n from "orders"."outbox_message" where "payload"->>'orderId' = ? and "delivered_at" is null`,
      [orderId],
    );
    expect(pending!.n).toBe(0);
  }, 8_000);
  return (replayed as { affectedRows?: number }).affectedRows ?? 0;
}

async function topicsOf(orderId: string): Promise<string[]> {
  const rows = await commerce.orders.orm.em
    .fork()
    .execute<{ topic: string }[]>(`select "topic" from "orders"."outbox_message" where "payload"->>'orderId' = ? order by "topic"`, [orderId]);
  return rows.map((row) => row.topic);
}

describe('returns of paid orders, against the real subgraphs', () => {
  it('a cancelled paid order gives back its stock (on_hand), its points and its coupon; redelivery changes nothing', async () => {
    const before = await commerce.stock(MUG);
    const { member, couponId, orderId } = await paidOrder();
    expect((await commerce.stock(MUG)).onHand).toBe(before.onHand - 2);
    expect(await change('cancelOrder', orderId, asMember(member))).toBe('CANCELLED');
    await eventually(async () => {
      expect(await snapshot(member, couponId, orderId)).toMatchObject({ stock: { onHand: before.onHand, reserved: before.reserved }, points: 1_000, coupon: 'AVAILABLE', returns: 1, refunds: 1 });
    }, 8_000);
    expect(await topicsOf(orderId)).toEqual(['coupon.restore', 'payment.refund', 'points.refund', 'stock.return']);
    const settled = await snapshot(member, couponId, orderId);
    expect(await redeliver(orderId)).toBe(4);
    expect(await snapshot(member, couponId, orderId)).toEqual(settled);
    const payments = commerce.orders.services.payments as SimulatedPaymentProvider;
    expect(await payments.inspect(orderId)).toMatchObject({ refunded: 48_000 / 2 - 3_000 - 1_000 });
  });

  it('an approved refund gives back the same; redelivery changes nothing, and the restored coupon buys again', async () => {
    const before = await commerce.stock(MUG);
    const { member, couponId, orderId } = await paidOrder();
    expect(await change('markOrderPreparing', orderId, joon)).toBe('PREPARING');
    expect(await change('markOrderShipped', orderId, joon)).toBe('SHIPPED');
    expect(await change('markOrderDelivered', orderId, joon)).toBe('DELIVERED');
    expect(await change('requestRefund', orderId, asMember(member), 'Not what I ordered.')).toBe('REFUND_REQUESTED');
    // Nothing goes back before the seller approves.
    expect(await snapshot(member, couponId, orderId)).toMatchObject({ points: 0, coupon: 'USED', returns: 0, refunds: 0 });
    expect(await change('approveRefund', orderId, joon)).toBe('REFUNDED');
    await eventually(async () => {
      expect(await snapshot(member, couponId, orderId)).toMatchObject({ stock: { onHand: before.onHand }, points: 1_000, coupon: 'AVAILABLE', returns: 1, refunds: 1 });
    }, 8_000);
    const settled = await snapshot(member, couponId, orderId);
    expect(await redeliver(orderId)).toBe(4);
    expect(await redeliver(orderId)).toBe(4);
    expect(await snapshot(member, couponId, orderId)).toEqual(settled);

    // The coupon is really usable again: a new checkout takes it (and the refunded points).
    const added = await commerce.call(`mutation { addToCart(variantId: "${MUG}", quantity: 2) { lines { id } } }`, {}, member);
    const again = await commerce.call(
      'mutation ($input: CheckoutInput!) { checkout(input: $input) { __typename ... on Order { status discount { amount } } ... on ErrorResult { code message } } }',
      { input: { cartLineIds: [added.data.addToCart.lines[0].id], paymentMethod: 'card:visa-4242', idempotencyKey: randomUUID(), couponId, pointsToUse: 1_000 } },
      member,
    );
    expect(again.data?.checkout, JSON.stringify(again)).toMatchObject({ status: 'PAID', discount: { amount: 3_000 } });
    expect(await couponStatus(member, couponId)).toBe('USED');
    // A replay of the old order's restore must not free the coupon the new order uses.
    expect(await redeliver(orderId)).toBe(4);
    expect(await couponStatus(member, couponId)).toBe('USED');
    expect(await commerce.points(member)).toBe(0);
  });
});
