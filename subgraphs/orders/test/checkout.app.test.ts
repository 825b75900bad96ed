import { demoId } from '@commerce/kit';
import { eventually, metricValue, parseMetrics } from '@commerce/testkit';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SagaStep } from '../src/checkout/saga-state.js';
import { DECLINED_TEST_METHOD, type SimulatedPaymentProvider } from '../src/payment/simulated-payment.provider.js';
import { createApp as createOrders } from '../src/app.js';
import type { OrdersServices } from '../src/services.js';
import { Commerce } from './commerce-harness.js';

let commerce: Commerce;
beforeAll(async () => {
  commerce = await Commerce.start('orders_checkout');
}, 120_000);
afterAll(() => commerce?.close());

const MUG = demoId('variant:enamel-mug-white'); // 12,000 KRW, Joon Gear
const CHAIR = demoId('variant:camp-chair-olive'); // 45,000 KRW, Joon Gear
const SHIRT = demoId('variant:linen-shirt-m'); // Mina Atelier

const CART = `lines { id variant { id } quantity unitPrice { amount currency } lineTotal { amount } available notice { kinds message priceWhenAdded { amount } } } subtotal { amount currency } itemCount`;
const ORDER = `id number status subtotal { amount currency } discount { amount } pointsUsed { amount } total { amount } lines { quantity unitPrice { amount } variant { id } }`;
const CHECKOUT = `mutation ($input: CheckoutInput!) { checkout(input: $input) { __typename ... on Order { ${ORDER} } ... on ErrorResult { code message } } }`;

async function addToCart(memberId: string, variantId: string, quantity: number): Promise<string> {
  const response = await commerce.call(`mutation ($v: ID!, $q: Int!) { addToCart(variantId: $v, quantity: $q) { ${CART} } }`, { v: variantId, q: quantity }, memberId);
  expect(response.errors).toBeUndefined();
  return response.data.addToCart.lines.find((line: { variant: { id: string } }) => line.variant.id === variantId).id;
}

async function checkout(memberId: string, input: Record<string, unknown>) {
  const response = await commerce.call(CHECKOUT, { input: { paymentMethod: 'card:visa-4242', idempotencyKey: randomUUID(), ...input } }, memberId);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data.checkout;
}

const payments = () => commerce.orders.services.payments as SimulatedPaymentProvider;

/** The orders app's checkout gauges, as Prometheus scrapes them. */
async function unfinishedCheckouts() {
  const samples = parseMetrics(await (await fetch(commerce.ordersUrl.replace(/\/graphql$/, '/metrics'))).text());
  return {
    confirming: metricValue(samples, 'checkout_sagas_unfinished', { state: 'CONFIRMING' }),
    oldestSeconds: metricValue(samples, 'checkout_saga_oldest_unfinished_seconds'),
  };
}

/** Everything a failed checkout of `orderId` may have touched is back where it was. */
async function expectNothingHeld(orderId: string, memberId: string, variantId: string, before: { available: number; points: number }) {
  expect(await commerce.stockReservation(orderId)).toMatch(/RELEASED|REJECTED|^null$/);
  expect((await commerce.stock(variantId)).available).toBe(before.available);
  expect(await commerce.points(memberId)).toBe(before.points);
  const entries = await commerce.pointReservationEntries(orderId);
  expect(entries.filter((kind) => kind === 'RESERVE').length).toBe(entries.filter((kind) => kind === 'RELEASE').length);
  expect(commerce.standIn.heldCoupons().filter(([key]) => key === orderId)).toEqual([]);
  const payment = await payments().inspect(orderId);
  expect(payment === null || payment.status === 'VOIDED' || payment.status === 'DECLINED').toBe(true);
  const [saga] = await commerce.orders.orm.em.fork().execute(`select "state" from "orders"."checkout_saga" where "id" = ?`, [orderId]);
  expect(saga?.state ?? 'FAILED').toBe('FAILED');
}

async function latestSagaId(memberId: string): Promise<string> {
  const [row] = await commerce.orders.orm.em.fork().execute<{ id: string }[]>(
    `select "id" from "orders"."checkout_saga" where "member_id" = ? order by "created_at" desc limit 1`,
    [memberId],
  );
  return row!.id;
}

describe('cart', () => {
  it('adds, merges, changes and removes lines at current prices, and lives 30 days', async () => {
    const member = await commerce.newMember();
    const mugLine = await addToCart(member, MUG, 2);
    expect(await addToCart(member, MUG, 1)).toBe(mugLine);
    await addToCart(member, CHAIR, 1);
    let cart = (await commerce.call(`{ cart { ${CART} } }`, {}, member)).data.cart;
    expect(cart.lines.map((line: { quantity: number }) => line.quantity)).toEqual([3, 1]);
    expect(cart.subtotal).toEqual({ amount: 3 * 12_000 + 45_000, currency: 'KRW' });
    cart = (await commerce.call(`mutation ($l: ID!) { updateCartLine(lineId: $l, quantity: 1) { ${CART} } }`, { l: mugLine }, member)).data.updateCartLine;
    expect(cart.itemCount).toBe(2);
    cart = (await commerce.call(`mutation ($l: ID!) { removeCartLine(lineId: $l) { ${CART} } }`, { l: mugLine }, member)).data.removeCartLine;
    expect(cart.lines).toHaveLength(1);
    const ttl = await commerce.orders.redis.ttl(`cart:${member}`);
    expect(ttl).toBeGreaterThan(29 * 24 * 3600);
    expect(ttl).toBeLessThanOrEqual(30 * 24 * 3600);
    const unknown = await commerce.call(`mutation ($l: ID!) { removeCartLine(lineId: $l) { itemCount } }`, { l: randomUUID() }, member);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('adds units concurrently without losing any', async () => {
    const member = await commerce.newMember();
    await Promise.all(Array.from({ length: 10 }, () => addToCart(member, MUG, 1)));
    const cart = (await commerce.call(`{ cart { ${CART} } }`, {}, member)).data.cart;
    expect(cart.lines).toEqual([expect.objectContaining({ quantity: 10 })]);
  });

  it('marks a line whose price or options changed since it was added', async () => {
    const member = await commerce.newMember();
    await addToCart(member, SHIRT, 1);
    const catalog = commerce.upstream.catalog.orm.em.fork();
    const [{ price_amount: original, options }] = (await catalog.execute<{ price_amount: number; options: unknown }[]>(`select "price_amount", "options" from "catalog"."product_variant" where "id" = ?`, [SHIRT])) as [{ price_amount: number; options: unknown }];
    try {
      await catalog.execute(`update "catalog"."product_variant" set "price_amount" = "price_amount" + 1000, "options" = '[{"name":"size","value":"M-tall"}]' where "id" = ?`, [SHIRT]);
      const [line] = (await commerce.call(`{ cart { ${CART} } }`, {}, member)).data.cart.lines;
      expect(line.unitPrice.amount).toBe(original + 1000);
      expect(line.notice.kinds).toEqual(expect.arrayContaining(['PRICE_CHANGED', 'OPTIONS_CHANGED']));
      expect(line.notice.priceWhenAdded.amount).toBe(original);
    } finally {
      await catalog.execute(`update "catalog"."product_variant" set "price_amount" = ?, "options" = ?::jsonb where "id" = ?`, [original, JSON.stringify(options), SHIRT]);
    }
    const [line] = (await commerce.call(`{ cart { ${CART} } }`, {}, member)).data.cart.lines;
    expect(line.notice?.kinds ?? []).not.toContain('PRICE_CHANGED');
  });
});

describe('checkout saga', () => {
  it('reserves stock, coupon and points, takes the payment, confirms all, and empties the bought lines', async () => {
    const member = await commerce.newMember(10_000);
    const mugLine = await addToCart(member, MUG, 2);
    const chairLine = await addToCart(member, CHAIR, 1);
    const before = await commerce.stock(MUG);
    const couponId = randomUUID();
    const order = await checkout(member, { cartLineIds: [mugLine, chairLine], couponId, pointsToUse: 4_000 });
    expect(order.__typename).toBe('Order');
    expect(order).toMatchObject({
      status: 'PAID',
      subtotal: { amount: 69_000, currency: 'KRW' },
      discount: { amount: 3_000 },
      pointsUsed: { amount: 4_000 },
      total: { amount: 62_000 },
    });
    expect(await commerce.stockReservation(order.id)).toBe('COMMITTED');
    expect(await commerce.stock(MUG)).toMatchObject({ onHand: before.onHand - 2, available: before.available - 2 });
    expect(await commerce.points(member)).toBe(6_000);
    expect(commerce.standIn.coupons.get(order.id)?.status).toBe('CONFIRMED');
    // The order names the coupon it was bought with (its template, resolved by the coupons subgraph).
    const shown = await commerce.call(`query ($id: ID!) { order(id: $id) { coupon { id } } }`, { id: order.id }, member);
    expect(shown.data.order.coupon).toEqual({ id: commerce.standIn.couponTemplateId });
    expect(await payments().inspect(order.id)).toMatchObject({ status: 'CAPTURED', amount: 62_000 });
    expect((await commerce.call(`{ cart { itemCount } }`, {}, member)).data.cart.itemCount).toBe(0);
    const lines = await commerce.orders.orm.em.fork().execute(`select sum("discount_amount") d, sum("points_amount") p from "orders"."order_line" where "order_id" = ?`, [order.id]);
    expect(lines[0]).toMatchObject({ d: '3000', p: '4000' });
  });

  it('gives one order for the same idempotency key, even when both calls race', async () => {
    const member = await commerce.newMember();
    const line = await addToCart(member, MUG, 1);
    const input = { cartLineIds: [line], paymentMethod: 'card:visa-4242', idempotencyKey: randomUUID() };
    const [first, second] = await Promise.all([commerce.call(CHECKOUT, { input }, member), commerce.call(CHECKOUT, { input }, member)]);
    expect(first.data.checkout.__typename).toBe('Order');
    expect(second.data.checkout.id).toBe(first.data.checkout.id);
    const third = await commerce.call(CHECKOUT, { input }, member);
    expect(third.data.checkout.id).toBe(first.data.checkout.id);
    const [{ count }] = (await commerce.orders.orm.em.fork().execute(`select count(*)::int as count from "orders"."customer_order" where "buyer_id" = ?`, [member])) as [{ count: number }];
    expect(count).toBe(1);
    const changed = await commerce.call(CHECKOUT, { input: { ...input, pointsToUse: 1 } }, member);
    expect(changed.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('sells a cart line once when checkouts with different keys race for it (a double click), and again after a failure', async () => {
    const member = await commerce.newMember();
    const line = await addToCart(member, CHAIR, 2);
    const before = await commerce.stock(CHAIR);
    const input = () => ({ input: { cartLineIds: [line], paymentMethod: 'card:visa-4242', idempotencyKey: randomUUID() } });
    const answers = await Promise.all(Array.from({ length: 6 }, () => commerce.call(CHECKOUT, input(), member)));
    const orders = answers.filter((answer) => answer.data?.checkout?.__typename === 'Order');
    expect(orders).toHaveLength(1);
    // The others were refused while it ran, or found the line gone once it had completed.
    for (const answer of answers.filter((answer) => answer.data?.checkout?.__typename !== 'Order')) {
      expect(['CONFLICT', 'NOT_FOUND']).toContain(answer.errors?.[0]?.extensions?.code);
    }
    expect((await commerce.stock(CHAIR)).onHand).toBe(before.onHand - 2);
    const [{ count }] = (await commerce.orders.orm.em.fork().execute(`select count(*)::int as count from "orders"."customer_order" where "buyer_id" = ?`, [member])) as [{ count: number }];
    expect(count).toBe(1);

    // A failed checkout holds no line: the next one, with another key, buys it.
    const retried = await addToCart(member, CHAIR, 1);
    expect(await checkout(member, { cartLineIds: [retried], paymentMethod: DECLINED_TEST_METHOD })).toMatchObject({ code: 'PAYMENT_DECLINED' });
    expect(await checkout(member, { cartLineIds: [retried] })).toMatchObject({ __typename: 'Order', status: 'PAID' });
  });

  const steps: SagaStep[] = ['RESERVE_STOCK', 'RESERVE_COUPON', 'RESERVE_POINTS', 'AUTHORIZE_PAYMENT', 'CONFIRM'];
  for (const step of steps) {
    it(`compensates every completed step when ${step} fails`, async () => {
      const member = await commerce.newMember(5_000);
      const line = await addToCart(member, CHAIR, 1);
      const before = { available: (await commerce.stock(CHAIR)).available, points: await commerce.points(member) };
      commerce.orders.services.saga.fault = { step, mode: 'fail' };
      try {
        const result = await checkout(member, { cartLineIds: [line], couponId: randomUUID(), pointsToUse: 2_000 });
        expect(result).toMatchObject({ __typename: 'CheckoutFailed', code: 'CHECKOUT_FAILED' });
      } finally {
        commerce.orders.services.saga.fault = null;
      }
      const orderId = await latestSagaId(member);
      await expectNothingHeld(orderId, member, CHAIR, before);
      const [order] = await commerce.orders.orm.em.fork().execute(`select "status", "cancel_reason" from "orders"."customer_order" where "id" = ?`, [orderId]);
      expect(order).toMatchObject({ status: 'CANCELLED', cancel_reason: 'CHECKOUT_FAILED' });
      // The cart keeps the lines of a failed checkout.
      expect((await commerce.call(`{ cart { itemCount } }`, {}, member)).data.cart.itemCount).toBe(1);
      // A failed checkout is not listed among the member's orders.
      expect((await commerce.call(`{ orders { edges { node { id } } } }`, {}, member)).data.orders.edges).toEqual([]);
    });
  }

  it('answers INSUFFICIENT_POINTS, COUPON_NOT_APPLICABLE and PAYMENT_DECLINED as typed results, holding nothing', async () => {
    const member = await commerce.newMember(1_000);
    const line = await addToCart(member, CHAIR, 1);
    const before = { available: (await commerce.stock(CHAIR)).available, points: 1_000 };

    expect(await checkout(member, { cartLineIds: [line], pointsToUse: 2_000 })).toMatchObject({ __typename: 'CheckoutInsufficientPoints', code: 'INSUFFICIENT_POINTS' });
    await expectNothingHeld(await latestSagaId(member), member, CHAIR, before);

    const refused = randomUUID();
    commerce.standIn.notApplicable.add(refused);
    expect(await checkout(member, { cartLineIds: [line], couponId: refused })).toMatchObject({ code: 'COUPON_NOT_APPLICABLE' });
    await expectNothingHeld(await latestSagaId(member), member, CHAIR, before);

    expect(await checkout(member, { cartLineIds: [line], pointsToUse: 500, couponId: randomUUID(), paymentMethod: DECLINED_TEST_METHOD })).toMatchObject({
      __typename: 'PaymentDeclined',
      code: 'PAYMENT_DECLINED',
    });
    const declined = await latestSagaId(member);
    await expectNothingHeld(declined, member, CHAIR, before);
    expect(await commerce.pointReservationEntries(declined)).toEqual(expect.arrayContaining(['RESERVE', 'RELEASE']));
  });

  it('sells the last unit once when two members check out at the same time', async () => {
    const LAST = demoId('variant:camp-chair-sand');
    await commerce.setAvailable(LAST, 1);
    const [alice, bob] = [await commerce.newMember(), await commerce.newMember()];
    const lines = [await addToCart(alice, LAST, 1), await addToCart(bob, LAST, 1)];
    const results = await Promise.all([checkout(alice, { cartLineIds: [lines[0]] }), checkout(bob, { cartLineIds: [lines[1]] })]);
    expect(results.map((result) => result.__typename).sort()).toEqual(['CheckoutOutOfStock', 'Order']);
    expect(results.find((result) => result.code)?.code).toBe('OUT_OF_STOCK');
    expect(await commerce.stock(LAST)).toMatchObject({ available: 0, reserved: 0 });
  });

  it('checks out a time-sale claim at its price and refuses an expired one', async () => {
    const member = await commerce.newMember();
    const claimId = randomUUID();
    const claim = { claimId, saleId: randomUUID(), memberId: member, variantId: SHIRT, quantity: 1, unitPrice: 29_000, currency: 'KRW', expiresAt: new Date(Date.now() + 600_000).toISOString(), status: 'HELD' };
    commerce.standIn.claims.set(claimId, claim);
    const order = await checkout(member, { timeSaleClaimId: claimId });
    expect(order).toMatchObject({ __typename: 'Order', status: 'PAID', total: { amount: 29_000 } });
    expect(commerce.standIn.claims.get(claimId)).toMatchObject({ status: 'CONSUMED', orderKey: order.id });

    // A claim of 100 units at 1,000,000,000 each comes to more than an order's 32-bit amounts can show: refused, nothing written.
    const huge = randomUUID();
    commerce.standIn.claims.set(huge, { ...claim, claimId: huge, quantity: 100, unitPrice: 1_000_000_000, status: 'HELD' });
    const tooLarge = await commerce.call(CHECKOUT, { input: { timeSaleClaimId: huge, paymentMethod: 'card:visa-4242', idempotencyKey: randomUUID() } }, member);
    expect(tooLarge.errors?.[0]?.extensions?.code, JSON.stringify(tooLarge)).toBe('BAD_USER_INPUT');
    expect(tooLarge.errors?.[0]?.message).toMatch(/add up to more than 2147483647/);
    expect(commerce.standIn.claims.get(huge)).toMatchObject({ status: 'HELD' });

    const expired = randomUUID();
    commerce.standIn.claims.set(expired, { ...claim, claimId: expired, expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(await checkout(member, { timeSaleClaimId: expired })).toMatchObject({ __typename: 'ClaimExpired', code: 'CLAIM_EXPIRED' });

    // The claim is consumed and the answer lost: asked again under the order's key, inventory says it is this order's.
    const lostAnswer = randomUUID();
    commerce.standIn.claims.set(lostAnswer, { ...claim, claimId: lostAnswer, status: 'HELD', orderKey: undefined });
    commerce.standIn.loseAnswers.set('consumeTimeSaleClaim', 1);
    const kept = await checkout(member, { timeSaleClaimId: lostAnswer });
    expect(commerce.standIn.loseAnswers.get('consumeTimeSaleClaim')).toBe(0);
    expect(kept).toMatchObject({ __typename: 'Order', status: 'PAID', total: { amount: 29_000 } });
    expect(commerce.standIn.claims.get(lostAnswer)).toMatchObject({ status: 'CONSUMED', orderKey: kept.id });
  });
});

describe('crash recovery', () => {
  async function crashThenRestart(step: SagaStep) {
    const member = await commerce.newMember(5_000);
    const line = await addToCart(member, CHAIR, 1);
    const before = { available: (await commerce.stock(CHAIR)).available, points: await commerce.points(member) };
    commerce.orders.services.saga.fault = { step, mode: 'crash' };
    const response = await commerce.call(CHECKOUT, { input: { cartLineIds: [line], couponId: randomUUID(), pointsToUse: 1_000, paymentMethod: 'card:visa-4242', idempotencyKey: randomUUID() } }, member);
    expect(response.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const orderId = await latestSagaId(member);
    const [saga] = await commerce.orders.orm.em.fork().execute(`select "state" from "orders"."checkout_saga" where "id" = ?`, [orderId]);
    expect(saga!.state).not.toMatch(/COMPLETED|FAILED/);
    // The process "dies": it is closed with the saga mid-way and its lease left to run out.
    await commerce.orders.close();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await commerce.startOrders();
    return { member, orderId, before };
  }

  it('compensates at restart a saga killed before its pivot', async () => {
    const { member, orderId, before } = await crashThenRestart('RESERVE_POINTS');
    await expectNothingHeld(orderId, member, CHAIR, before);
  });

  it('lets exactly one of two recovering processes take over an abandoned saga', async () => {
    const member = await commerce.newMember(5_000);
    const line = await addToCart(member, CHAIR, 1);
    const before = { available: (await commerce.stock(CHAIR)).available, points: await commerce.points(member) };
    commerce.orders.services.saga.fault = { step: 'AUTHORIZE_PAYMENT', mode: 'crash' };
    try {
      await commerce.call(CHECKOUT, { input: { cartLineIds: [line], pointsToUse: 1_000, paymentMethod: 'card:visa-4242', idempotencyKey: randomUUID() } }, member);
    } finally {
      commerce.orders.services.saga.fault = null;
    }
    const orderId = await latestSagaId(member);
    const other = await createOrders(commerce.ordersConfig());
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const runners = [commerce.orders.services.saga, (other.services as OrdersServices).saga];
      await Promise.all([...runners, ...runners].map((runner) => runner.recover()));
    } finally {
      await other.close();
    }
    await expectNothingHeld(orderId, member, CHAIR, before);
    const entries = await commerce.pointReservationEntries(orderId);
    expect(entries.sort()).toEqual(['RELEASE', 'RESERVE']);
    const [saga] = await commerce.orders.orm.em.fork().execute(`select "log" from "orders"."checkout_saga" where "id" = ?`, [orderId]);
    expect(saga!.log.filter((entry: string) => entry === 'interrupted')).toHaveLength(1);
  });

  it('completes a checkout whose sale went through but whose answer was lost: sold once, charged once', async () => {
    const member = await commerce.newMember();
    const line = await addToCart(member, CHAIR, 1);
    const before = await commerce.stock(CHAIR);
    // Inventory commits the sale and the answer never arrives; asked again under the order's key, it says it is sold.
    commerce.standIn.loseAnswers.set('commitStockReservation', 1);
    const order = await checkout(member, { cartLineIds: [line] });
    expect(commerce.standIn.loseAnswers.get('commitStockReservation')).toBe(0);
    expect(order).toMatchObject({ __typename: 'Order', status: 'PAID' });
    expect(await commerce.stockReservation(order.id)).toBe('COMMITTED');
    expect(await commerce.stock(CHAIR)).toMatchObject({ onHand: before.onHand - 1, available: before.available - 1 });
    expect(await payments().inspect(order.id)).toMatchObject({ status: 'CAPTURED' });
  });

  it('leaves a checkout whose sale stays unanswered to recovery, which completes it instead of cancelling a sold order', async () => {
    const member = await commerce.newMember();
    const line = await addToCart(member, CHAIR, 1);
    const before = await commerce.stock(CHAIR);
    // Lost six times: the first ask and both asks again within the request, then the three of the first recovery.
    commerce.standIn.loseAnswers.set('commitStockReservation', 6);
    const pending = checkout(member, { cartLineIds: [line] });
    const orderId = await eventually(() => latestSagaId(member));
    const sagaRow = async () =>
      (await commerce.orders.orm.em.fork().execute(
        `select "state", "log", "lease_until" <= clock_timestamp() as "free",
                extract(epoch from "lease_until" - "updated_at")::float as "wait_s" from "orders"."checkout_saga" where "id" = ?`,
        [orderId],
      ))[0]!;
    const unanswered = async () => (await sagaRow()).log.filter((entry: string) => entry === 'CONFIRMING:unanswered').length;
    // The runner gives the saga up at its pivot, neither cancelled nor charged, to recovery after a lease (1 s here).
    await eventually(async () => expect(await unanswered()).toBe(1));
    expect(await payments().inspect(orderId)).toMatchObject({ status: 'AUTHORIZED' });
    await eventually(async () => expect(await sagaRow()).toMatchObject({ state: 'CONFIRMING', free: true }), 3_000);
    // An operator sees it waiting: the gauges an alert watches count it, and for as long as it has waited.
    const waiting = await unfinishedCheckouts();
    expect(waiting.confirming).toBeGreaterThanOrEqual(1);
    expect(waiting.oldestSeconds).toBeGreaterThanOrEqual(1);
    // Recovery asks, unanswered again: the next wait is twice as long.
    await commerce.orders.services.saga.recover();
    expect(await unanswered()).toBe(2);
    expect((await sagaRow()).wait_s).toBeGreaterThanOrEqual(2);
    await eventually(async () => expect(await sagaRow()).toMatchObject({ state: 'CONFIRMING', free: true }), 4_000);

    await commerce.orders.services.saga.recover();
    expect(await pending).toMatchObject({ __typename: 'Order', id: orderId, status: 'PAID' });
    expect((await unfinishedCheckouts()).confirming).toBe(waiting.confirming! - 1);
    expect(await commerce.stockReservation(orderId)).toBe('COMMITTED');
    expect(await commerce.stock(CHAIR)).toMatchObject({ onHand: before.onHand - 1 });
    expect(await payments().inspect(orderId)).toMatchObject({ status: 'CAPTURED' });
  });

  it('finishes at restart a saga killed after its pivot', async () => {
    const { member, orderId } = await crashThenRestart('CONFIRM');
    const [order] = await commerce.orders.orm.em.fork().execute(`select "status", "total_amount" from "orders"."customer_order" where "id" = ?`, [orderId]);
    expect(order).toMatchObject({ status: 'PAID', total_amount: 41_000 });
    expect(await commerce.stockReservation(orderId)).toBe('COMMITTED');
    expect(await commerce.pointReservationEntries(orderId)).toEqual(expect.arrayContaining(['RESERVE', 'CONFIRM']));
    expect(await commerce.points(member)).toBe(4_000);
    expect(commerce.standIn.coupons.get(orderId)?.status).toBe('CONFIRMED');
    expect(await payments().inspect(orderId)).toMatchObject({ status: 'CAPTURED' });
  });
});
