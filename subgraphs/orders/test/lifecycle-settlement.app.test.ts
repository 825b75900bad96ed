import { demoId } from '@commerce/kit';
import { asMember, eventually } from '@commerce/testkit';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp as createOrders } from '../src/app.js';
import type { SimulatedPaymentProvider } from '../src/payment/simulated-payment.provider.js';
import { localDate, settleDay, startSettlementScheduler } from '../src/settlement/settlement.service.js';
import { Commerce } from './commerce-harness.js';

let commerce: Commerce;
beforeAll(async () => {
  commerce = await Commerce.start('orders_lifecycle');
}, 120_000);
afterAll(() => commerce?.close());

const MUG = demoId('variant:enamel-mug-white'); // 12,000 KRW, Joon Gear
const JOON_GEAR = demoId('store:joon-gear');
const joon = asMember(demoId('member:joon'), ['CUSTOMER', 'SELLER']);
const mina = asMember(demoId('member:mina'), ['CUSTOMER', 'SELLER']);
const CHANGE = (field: string, extra = '') =>
  `mutation ($id: ID!${extra ? `, $reason: String!` : ''}) { ${field}(orderId: $id${extra}) { __typename ... on Order { id status } ... on ErrorResult { code message } ... on InvalidOrderTransition { from to } } }`;
const OFFSET = 540;

async function placeOrder(member: string, quantity = 1, extra: Record<string, unknown> = {}): Promise<{ id: string; total: { amount: number } }> {
  const added = await commerce.call(`mutation ($v: ID!, $q: Int!) { addToCart(variantId: $v, quantity: $q) { lines { id variant { id } } } }`, { v: MUG, q: quantity }, member);
  const lineId = added.data.addToCart.lines[0].id;
  const response = await commerce.call(
    `mutation ($input: CheckoutInput!) { checkout(input: $input) { __typename ... on Order { id total { amount } } ... on ErrorResult { code } } }`,
    { input: { cartLineIds: [lineId], paymentMethod: 'card:visa-4242', idempotencyKey: randomUUID(), ...extra } },
    member,
  );
  expect(response.data?.checkout?.__typename, JSON.stringify(response)).toBe('Order');
  return response.data.checkout;
}

/** The order's effects (refund, stock return…) its outbox has not delivered yet. */
const undelivered = (orderId: string) =>
  commerce.orders.orm.em.fork().execute<{ topic: string }[]>(
    `select "topic" from "orders"."outbox_message" where "payload"->>'orderId' = ? and "delivered_at" is null`,
    [orderId],
  );

async function change(field: string, orderId: string, headers: Record<string, string>, reason?: string) {
  const { graphqlRequest } = await import('@commerce/testkit');
  const response = await graphqlRequest(commerce.ordersUrl, CHANGE(field, reason ? ', reason: $reason' : ''), { id: orderId, ...(reason ? { reason } : {}) }, headers);
  return response.errors ? { error: response.errors[0]!.extensions?.code } : response.data[field];
}

describe('order lifecycle', () => {
  it('moves PAID → PREPARING → SHIPPED → DELIVERED → REFUND_REQUESTED → REFUND_REJECTED, with typed errors for wrong moves', async () => {
    const buyer = await commerce.newMember();
    const order = await placeOrder(buyer);
    const asBuyer = asMember(buyer);
    expect(await change('markOrderPreparing', order.id, asBuyer)).toEqual({ error: 'FORBIDDEN' });
    expect(await change('markOrderPreparing', order.id, mina)).toEqual({ error: 'FORBIDDEN' });
    expect(await change('markOrderShipped', order.id, joon)).toMatchObject({ code: 'INVALID_TRANSITION', from: 'PAID', to: 'SHIPPED' });
    expect(await change('markOrderPreparing', order.id, joon)).toMatchObject({ status: 'PREPARING' });
    expect(await change('cancelOrder', order.id, asBuyer)).toMatchObject({ __typename: 'InvalidOrderTransition', from: 'PREPARING', to: 'CANCELLED' });
    expect(await change('markOrderShipped', order.id, joon)).toMatchObject({ status: 'SHIPPED' });
    expect(await change('requestRefund', order.id, asBuyer, 'broken')).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(await change('markOrderDelivered', order.id, joon)).toMatchObject({ status: 'DELIVERED' });
    expect(await change('requestRefund', order.id, asBuyer, 'It arrived cracked.')).toMatchObject({ status: 'REFUND_REQUESTED' });
    expect(await change('approveRefund', order.id, mina)).toEqual({ error: 'FORBIDDEN' });
    // Approve and reject race: exactly one wins.
    const [approve, reject] = await Promise.all([change('approveRefund', order.id, joon), change('rejectRefund', order.id, joon, 'No damage visible.')]);
    expect([approve.__typename, reject.__typename].sort()).toEqual(['InvalidOrderTransition', 'Order']);
    expect(await change('approveRefund', order.id, joon)).toMatchObject({ code: 'INVALID_TRANSITION' });
    // An approved refund returns the unit through the outbox: it lands before the next test counts the stock.
    await eventually(async () => expect(await undelivered(order.id)).toEqual([]));
  });

  it('a buyer cancelling a paid order gets the payment, stock, points and coupon back', async () => {
    const buyer = await commerce.newMember(2_000);
    const before = await commerce.stock(MUG);
    const order = await placeOrder(buyer, 2, { couponId: randomUUID(), pointsToUse: 1_000 });
    expect(order.total.amount).toBe(24_000 - 3_000 - 1_000);
    expect(await commerce.points(buyer)).toBe(1_000);
    expect(await change('cancelOrder', order.id, asMember(buyer))).toMatchObject({ status: 'CANCELLED' });
    const payments = commerce.orders.services.payments as SimulatedPaymentProvider;
    await eventually(async () => expect(await payments.inspect(order.id)).toMatchObject({ status: 'CAPTURED', refunded: 20_000 }));
    await eventually(async () => expect(commerce.standIn.coupons.get(order.id)?.status).toBe('RESTORED'));
    await eventually(async () => expect(await commerce.points(buyer)).toBe(2_000));
    await eventually(async () => expect((await commerce.stock(MUG)).onHand).toBe(before.onHand));
    expect(await undelivered(order.id)).toEqual([]);
    expect(await change('cancelOrder', order.id, asMember(buyer))).toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('lists a member’s orders and a store’s orders to its owner only', async () => {
    const buyer = await commerce.newMember();
    const first = await placeOrder(buyer);
    const second = await placeOrder(buyer);
    const mine = await commerce.call('{ orders(first: 1) { edges { node { id } } pageInfo { hasNextPage endCursor } } }', {}, buyer);
    expect(mine.data.orders.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([second.id]);
    const next = await commerce.call('query ($a: String) { orders(first: 5, after: $a) { edges { node { id } } } }', { a: mine.data.orders.pageInfo.endCursor }, buyer);
    expect(next.data.orders.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([first.id]);
    const { graphqlRequest } = await import('@commerce/testkit');
    const query = 'query ($s: ID!) { storeOrders(storeId: $s, first: 100) { edges { node { id buyer { id } } } } }';
    const asOwner = await graphqlRequest(commerce.ordersUrl, query, { s: JOON_GEAR }, joon);
    expect(asOwner.data.storeOrders.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(expect.arrayContaining([first.id, second.id]));
    expect((await graphqlRequest(commerce.ordersUrl, query, { s: JOON_GEAR }, mina)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('settlement and reports', () => {
  it('two schedulers at once settle each store once per day, with figures that match the orders; reruns change nothing', async () => {
    const yesterday = localDate(new Date(Date.now() - 86_400_000), OFFSET);
    const buyer = await commerce.newMember(5_000);
    const kept = await placeOrder(buyer, 3, { couponId: randomUUID(), pointsToUse: 5_000 }); // 36,000 − 3,000 coupon
    const refunded = await placeOrder(buyer, 1); // 12,000, paid and refunded yesterday
    const em = commerce.orders.orm.em.fork();
    const noon = new Date(Date.parse(`${yesterday}T12:00:00Z`) - OFFSET * 60_000);
    // Move this test's orders into yesterday; orders of other tests stay today.
    await em.execute(`update "orders"."customer_order" set "paid_at" = ? where "id" in (?, ?)`, [noon, kept.id, refunded.id]);
    await em.execute(`update "orders"."customer_order" set "paid_at" = ? where "id" not in (?, ?) and "paid_at" is not null`, [new Date(), kept.id, refunded.id]);
    await em.execute(`update "orders"."customer_order" set "status" = 'REFUNDED', "refunded_at" = ? where "id" = ?`, [new Date(noon.getTime() + 3600_000), refunded.id]);

    const second = await createOrders(commerce.ordersConfig());
    try {
      const settings = { time: '00:00', utcOffsetMinutes: OFFSET, feeBps: 1_000 };
      const stops = [startSettlementScheduler(commerce.orders.orm, settings), startSettlementScheduler(second.orm, settings)];
      await Promise.all(stops.map((stop) => stop()));
      const again = await Promise.all([settleDay(commerce.orders.orm, yesterday, settings), settleDay(second.orm, yesterday, settings)]);
      expect(again).toEqual([false, false]);
    } finally {
      await second.close();
    }
    const rows = await em.execute(`select * from "orders"."settlement" where "settlement_date" = ?::date`, [yesterday]);
    expect(rows).toHaveLength(1);
    const gross = 33_000 + 12_000;
    const fee = Math.round(gross * 0.1) - Math.round(12_000 * 0.1);
    expect(rows[0]).toMatchObject({ store_id: JOON_GEAR, order_count: 2, refund_count: 1, gross_sales: String(gross), refunds: '12000', platform_fee: String(fee), payout: String(gross - 12_000 - fee) });

    const { graphqlRequest } = await import('@commerce/testkit');
    const settlements = await graphqlRequest(
      commerce.ordersUrl,
      'query ($s: ID!, $f: String!, $t: String!) { settlements(storeId: $s, from: $f, to: $t) { date orderCount grossSales { amount currency } refunds { amount } platformFee { amount } payout { amount } } }',
      { s: JOON_GEAR, f: yesterday, t: yesterday },
      joon,
    );
    expect(settlements.data.settlements).toEqual([
      { date: yesterday, orderCount: 2, grossSales: { amount: gross, currency: 'KRW' }, refunds: { amount: 12_000 }, platformFee: { amount: fee }, payout: { amount: gross - 12_000 - fee } },
    ]);
    expect((await graphqlRequest(commerce.ordersUrl, 'query ($s: ID!) { settlements(storeId: $s, from: "2026-01-01", to: "2026-01-02") { date } }', { s: JOON_GEAR }, mina)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const report = await graphqlRequest(
      commerce.ordersUrl,
      'query ($s: ID!, $f: String!, $t: String!) { byProduct: salesReport(storeId: $s, from: $f, to: $t, groupBy: PRODUCT) { rows { key label units revenue { amount } refundedUnits refunds { amount } } } byDay: salesReport(storeId: $s, from: $f, to: $t, groupBy: DAY) { rows { key units revenue { amount } refunds { amount } } } }',
      { s: JOON_GEAR, f: yesterday, t: yesterday },
      joon,
    );
    expect(report.data.byProduct.rows).toEqual([
      { key: demoId('product:enamel-mug'), label: 'Enamel Mug (white)', units: 4, revenue: { amount: gross }, refundedUnits: 1, refunds: { amount: 12_000 } },
    ]);
    expect(report.data.byDay.rows).toEqual([{ key: yesterday, units: 4, revenue: { amount: gross }, refunds: { amount: 12_000 } }]);

    const link = await graphqlRequest(
      commerce.ordersUrl,
      'mutation ($s: ID!, $f: String!, $t: String!) { salesReportCsvLink(storeId: $s, from: $f, to: $t, groupBy: DAY) }',
      { s: JOON_GEAR, f: yesterday, t: yesterday },
      joon,
    );
    const path = new URL(link.data.salesReportCsvLink).pathname + new URL(link.data.salesReportCsvLink).search;
    const csv = await fetch(new URL(path, commerce.ordersUrl));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(await csv.text()).toBe(`date,label,currency,units,revenue,refunded_units,refunds\r\n${yesterday},${yesterday},KRW,4,${gross},1,12000\r\n`);
    const forged = await fetch(new URL(path.replace(/\.[^.]+$/, '.AAAA'), commerce.ordersUrl));
    expect(forged.status).toBe(403);
  });
});
