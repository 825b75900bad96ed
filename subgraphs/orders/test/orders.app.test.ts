import { demoId, schemaDiffSql, uuidv7 } from '@commerce/kit';
import { asMember, type GraphQLResponse, graphqlData, graphqlRequest, type RunningSubgraph, startTestSubgraph } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/app.js';
import { OrderLine } from '../src/order-line/order-line.entity.js';
import { Order } from '../src/order/order.entity.js';
import { OrderStatus } from '../src/order/order-status.js';
import { seedOrders } from '../src/order/order.seed.js';

let subgraph: RunningSubgraph;

beforeAll(async () => {
  subgraph = await startTestSubgraph(createApp, 'orders', { SEED_DEMO: true });
});
afterAll(() => subgraph?.close());

const demoOrderId = demoId('order:alice-1');

const ORDER_FIELDS = `
  id number status createdAt updatedAt
  buyer { id }
  coupon { id }
  subtotal { amount currency } discount { amount currency } pointsUsed { amount currency } total { amount currency }
  lines { id quantity variant { id } unitPrice { amount currency } lineTotal { amount currency } }
`;

/** Writes an order with its lines straight through the ORM, as checkout will. */
async function insertOrder(fields: Partial<Order> & { lines: { variantId: string; quantity: number; unitPriceAmount: number }[] }) {
  const em = subgraph.app.orm.em.fork();
  const { lines, ...rest } = fields;
  const subtotalAmount = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceAmount, 0);
  const order = em.create(Order, {
    number: `T-${uuidv7().slice(-12)}`,
    buyerId: uuidv7(),
    subtotalAmount,
    totalAmount: subtotalAmount,
    currency: 'KRW',
    ...rest,
  });
  for (const line of lines) em.create(OrderLine, { orderId: order.id, ...line });
  await em.flush();
  return order;
}

/** Runs `work` and returns the SQL the subgraph sent meanwhile. */
async function capturingSql(work: () => Promise<unknown>): Promise<string[]> {
  const connection = subgraph.app.orm.em.getConnection();
  const spy = vi.spyOn(connection, 'execute');
  try {
    await work();
    return spy.mock.calls.map(([sql]) => String(sql));
  } finally {
    spy.mockRestore();
  }
}

describe('orders subgraph', () => {
  it('serves the seeded demo order with its lines, money and entity stubs', async () => {
    const data = await graphqlData(
      subgraph.url,
      `query ($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`,
      { id: demoOrderId },
      asMember(demoId('member:alice')),
    );
    const krw = (amount: number) => ({ amount, currency: 'KRW' });
    expect(data.order).toMatchObject({
      id: demoOrderId,
      number: 'D-000001',
      status: 'PAID',
      buyer: { id: demoId('member:alice') },
      coupon: { id: demoId('coupon:welcome') },
      subtotal: krw(69_000),
      discount: krw(3_000),
      pointsUsed: krw(0),
      total: krw(66_000),
    });
    expect(data.order.lines.map(({ id: _id, ...line }: { id: string }) => line)).toEqual([
      { quantity: 1, variant: { id: demoId('variant:camp-chair-olive') }, unitPrice: krw(45_000), lineTotal: krw(45_000) },
      { quantity: 2, variant: { id: demoId('variant:enamel-mug-white') }, unitPrice: krw(12_000), lineTotal: krw(24_000) },
    ]);
    expect(new Date(data.order.createdAt).getTime()).toBeLessThanOrEqual(Date.now());
    // A paid order of one store: in its buyer's list of orders, as one a checkout made would be.
    const mine = await graphqlData(subgraph.url, '{ orders(first: 10) { edges { node { id } } } }', {}, asMember(demoId('member:alice')));
    expect(mine.orders.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(demoOrderId);
    const [row] = await subgraph.app.orm.em.fork().execute(`select "store_id", "paid_at" from "orders"."customer_order" where "id" = ?`, [demoOrderId]);
    expect(row).toMatchObject({ store_id: demoId('store:joon-gear') });
    expect(row!.paid_at).not.toBeNull();
  });

  it("keeps an order its buyer's: others get FORBIDDEN, anonymous callers UNAUTHENTICATED, also through _entities", async () => {
    const query = 'query ($id: ID!) { order(id: $id) { number } }';
    const bob = asMember(demoId('member:bob'));
    expect((await graphqlRequest(subgraph.url, query, { id: demoOrderId })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const asBob = await graphqlRequest(subgraph.url, query, { id: demoOrderId }, bob);
    expect(asBob.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(asBob.data).toBeNull();
    const entities = await graphqlRequest(
      subgraph.url,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { number total { amount } } } }',
      { r: [{ __typename: 'Order', id: demoOrderId }] },
      bob,
    );
    expect(entities.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(entities.data)).not.toContain('D-000001');
  });

  it('does not seed twice', async () => {
    expect(await seedOrders(subgraph.app.orm.em.fork())).toBe(false);
    expect(await subgraph.app.orm.em.fork().count(Order)).toBeGreaterThanOrEqual(1);
  });

  it('resolves several Orders by reference with one orders query and one lines query', async () => {
    const usd = await insertOrder({
      currency: 'USD',
      status: OrderStatus.SHIPPED,
      lines: [{ variantId: uuidv7(), quantity: 3, unitPriceAmount: 1_250 }],
    });
    const empty = await insertOrder({ lines: [] });
    const unknown = uuidv7();
    let response: GraphQLResponse | undefined;
    const sql = await capturingSql(async () => {
      response = await graphqlRequest(
        subgraph.url,
        `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { ${ORDER_FIELDS} } } }`,
        { reps: [demoOrderId, unknown, usd.id, empty.id].map((id) => ({ __typename: 'Order', id })) },
        asMember(uuidv7(), ['ADMIN']),
      );
    });
    expect(response!.errors).toBeUndefined();
    const [demo, missing, dollars, none] = response!.data._entities;
    expect(demo).toMatchObject({ id: demoOrderId, number: 'D-000001', total: { amount: 66_000, currency: 'KRW' } });
    expect(demo.lines).toHaveLength(2);
    expect(missing).toBeNull();
    expect(dollars).toMatchObject({ id: usd.id, status: 'SHIPPED', coupon: null, total: { amount: 3_750, currency: 'USD' } });
    expect(dollars.lines).toEqual([
      expect.objectContaining({ quantity: 3, unitPrice: { amount: 1_250, currency: 'USD' }, lineTotal: { amount: 3_750, currency: 'USD' } }),
    ]);
    expect(none).toMatchObject({ id: empty.id, lines: [], subtotal: { amount: 0, currency: 'KRW' } });
    expect(sql.filter((query) => /from "orders"\."customer_order"/.test(query))).toHaveLength(1);
    expect(sql.filter((query) => /from "orders"\."order_line"/.test(query))).toHaveLength(1);
  });

  it('answers NOT_FOUND for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
    const query = 'query ($id: ID!) { order(id: $id) { id } }';
    const unknown = await graphqlRequest(subgraph.url, query, { id: uuidv7() }, asMember(demoId('member:alice')));
    expect(unknown.data).toBeNull();
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const malformed = await graphqlRequest(subgraph.url, query, { id: 'not-a-uuid' }, asMember(demoId('member:alice')));
    expect(malformed.data).toBeNull();
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  describe('the database refuses', () => {
    const line = { variantId: demoId('variant:linen-shirt-m'), quantity: 1, unitPriceAmount: 10_000 };

    it('a total that is not subtotal − discount − points used', async () => {
      await expect(insertOrder({ lines: [line], discountAmount: 1_000, totalAmount: 10_000 })).rejects.toThrow(
        /customer_order_total_check/,
      );
      await expect(insertOrder({ lines: [line], pointsUsedAmount: 500, totalAmount: 10_000 })).rejects.toThrow(
        /customer_order_total_check/,
      );
    });

    it('negative amounts, even when they add up', async () => {
      await expect(
        insertOrder({ lines: [line], discountAmount: 15_000, totalAmount: -5_000 }),
      ).rejects.toThrow(/customer_order_amounts_check/);
      await expect(
        insertOrder({ lines: [line], discountAmount: -1_000, totalAmount: 11_000 }),
      ).rejects.toThrow(/customer_order_amounts_check/);
    });

    it('a line quantity that is not positive, and a negative unit price', async () => {
      await expect(insertOrder({ lines: [{ ...line, quantity: 0, unitPriceAmount: 0 }] })).rejects.toThrow(
        /order_line_quantity_check/,
      );
      await expect(insertOrder({ lines: [{ ...line, quantity: -1, unitPriceAmount: 0 }] })).rejects.toThrow(
        /order_line_quantity_check/,
      );
      await expect(
        subgraph.app.orm.em
          .getConnection()
          .execute(
            `insert into orders.order_line (id, order_id, variant_id, quantity, unit_price_amount) values (?, ?, ?, 1, -1)`,
            [uuidv7(), demoOrderId, line.variantId],
          ),
      ).rejects.toThrow(/order_line_unit_price_amount_check/);
    });

    it('a status outside OrderStatus and a duplicate order number', async () => {
      await expect(insertOrder({ lines: [line], status: 'LOST' as OrderStatus })).rejects.toThrow(
        /customer_order_status_check/,
      );
      await expect(insertOrder({ lines: [line], number: 'D-000001' })).rejects.toThrow(/customer_order_number_unique/);
    });
  });

  it('publishes Order as an entity and the other subgraphs’ types as unresolvable stubs', async () => {
    const { _service } = await graphqlData(subgraph.url, '{ _service { sdl } }');
    expect(_service.sdl).toMatch(/type Order\s+@key\(fields: "id"\)/);
    for (const stub of ['Member', 'ProductVariant', 'CouponTemplate']) {
      expect(_service.sdl).toMatch(new RegExp(`type ${stub}\\s+@key\\(fields: "id", resolvable: false\\)`));
    }
  });

  it('keeps its committed migrations in step with its entities', async () => {
    expect(await schemaDiffSql(subgraph.app.orm)).toBe('');
  });
});
