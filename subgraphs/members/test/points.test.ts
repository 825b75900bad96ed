import { asService } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlData, graphqlRequest, type MembersUnderTest, newMember, startMembers } from './members-harness.js';

let members: MembersUnderTest;

beforeAll(async () => {
  // More connections than the default so the 200 spends really contend for the wallet row.
  members = await startMembers('points', { MAX_POINT_CHARGE: 50_000, DB_POOL_MAX: 20 });
});
afterAll(() => members?.close());

const CHARGE = `mutation ($a: Int!, $k: String!) { chargePoints(amount: $a, idempotencyKey: $k) { id kind amount { amount currency } balanceAfter { amount } } }`;
const BALANCE = `{ me { pointBalance { amount currency } pointHistory(first: 50) { edges { node { kind amount { amount } } } } } }`;
const SPEND = `mutation ($m: ID!, $a: Int!, $k: String!) { spendPoints(memberId: $m, amount: $a, idempotencyKey: $k) {
  __typename ... on PointEntry { id balanceAfter { amount } } ... on InsufficientPoints { code balance { amount } } } }`;
const RESERVE = `mutation ($m: ID!, $o: ID!, $a: Int!) { reservePoints(memberId: $m, orderId: $o, amount: $a) {
  __typename ... on PointReservation { status amount { amount } } ... on ErrorResult { code } } }`;
const CONFIRM = `mutation ($o: ID!) { confirmPointReservation(orderId: $o) { status } }`;
const RELEASE = `mutation ($o: ID!) { releasePointReservation(orderId: $o) { status } }`;
const service = () => asService('orders');
const orderId = () => crypto.randomUUID();

async function balanceOf(headers: Record<string, string>): Promise<number> {
  return (await graphqlData(members.url, BALANCE, {}, headers)).me.pointBalance.amount;
}

describe('charging points', () => {
  it('adds KRW points; a repeated idempotency key returns the first entry and charges nothing', async () => {
    const member = await newMember(members.url, 'charge');
    const first = (await graphqlData(members.url, CHARGE, { a: 1_000, k: 'topup-1' }, member.headers)).chargePoints;
    expect(first).toMatchObject({ kind: 'CHARGE', amount: { amount: 1_000, currency: 'KRW' }, balanceAfter: { amount: 1_000 } });
    const again = await Promise.all([1, 2, 3].map(() => graphqlData(members.url, CHARGE, { a: 9_999, k: 'topup-1' }, member.headers)));
    expect(again.map((result) => result.chargePoints.id)).toEqual([first.id, first.id, first.id]);
    expect(await balanceOf(member.headers)).toBe(1_000);
  });

  it('refuses amounts over the maximum per charge or below 1', async () => {
    const member = await newMember(members.url, 'maxcharge');
    for (const amount of [50_001, 0, -5]) {
      const response = await graphqlRequest(members.url, CHARGE, { a: amount, k: `k${amount}` }, member.headers);
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await balanceOf(member.headers)).toBe(0);
  });
});

describe('spending points', () => {
  it('200 concurrent spends of 1 against a balance of 100: exactly 100 succeed and the balance ends at 0', async () => {
    const member = await newMember(members.url, 'race');
    await graphqlData(members.url, CHARGE, { a: 100, k: 'seed' }, member.headers);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => graphqlData(members.url, SPEND, { m: member.id, a: 1, k: `spend-${i}` }, service())),
    );
    const types = results.map((result) => result.spendPoints.__typename);
    expect(types.filter((type) => type === 'PointEntry')).toHaveLength(100);
    expect(types.filter((type) => type === 'InsufficientPoints')).toHaveLength(100);
    expect(await balanceOf(member.headers)).toBe(0);
    const [row] = await members.app.orm.em.fork().execute('select count(*)::int as n, sum(delta)::int as total from members.point_entry where member_id = ?', [member.id]);
    expect(row).toEqual({ n: 101, total: 0 });
  });

  it('a repeated spend key returns the first result, even when raced', async () => {
    const member = await newMember(members.url, 'spendkey');
    await graphqlData(members.url, CHARGE, { a: 10, k: 'seed' }, member.headers);
    const results = await Promise.all(Array.from({ length: 10 }, () => graphqlData(members.url, SPEND, { m: member.id, a: 3, k: 'same' }, service())));
    expect(new Set(results.map((result) => result.spendPoints.id)).size).toBe(1);
    expect(await balanceOf(member.headers)).toBe(7);
  });

  it('is internal: a member calling spendPoints gets FORBIDDEN', async () => {
    const member = await newMember(members.url, 'notservice');
    const response = await graphqlRequest(members.url, SPEND, { m: member.id, a: 1, k: 'x' }, member.headers);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refunds give back at most what was spent', async () => {
    const member = await newMember(members.url, 'refund');
    await graphqlData(members.url, CHARGE, { a: 50, k: 'seed' }, member.headers);
    const spend = (await graphqlData(members.url, SPEND, { m: member.id, a: 30, k: 'buy' }, service())).spendPoints;
    const REFUND = `mutation ($m: ID!, $e: ID!, $a: Int!, $k: String!) { refundPoints(memberId: $m, entryId: $e, amount: $a, idempotencyKey: $k) { id } }`;
    const first = await graphqlData(members.url, REFUND, { m: member.id, e: spend.id, a: 20, k: 'r1' }, service());
    expect((await graphqlData(members.url, REFUND, { m: member.id, e: spend.id, a: 20, k: 'r1' }, service())).refundPoints.id).toBe(first.refundPoints.id);
    const over = await graphqlRequest(members.url, REFUND, { m: member.id, e: spend.id, a: 11, k: 'r2' }, service());
    expect(over.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await balanceOf(member.headers)).toBe(40);
  });
});

describe('reservations for the order saga', () => {
  it('reserve, confirm and release are idempotent; confirmed points cannot be released', async () => {
    const member = await newMember(members.url, 'saga');
    await graphqlData(members.url, CHARGE, { a: 100, k: 'seed' }, member.headers);
    const paid = orderId();
    const cancelled = orderId();
    for (let i = 0; i < 2; i++) {
      expect((await graphqlData(members.url, RESERVE, { m: member.id, o: paid, a: 30 }, service())).reservePoints).toMatchObject({ status: 'RESERVED' });
    }
    expect(await balanceOf(member.headers)).toBe(70);
    expect((await graphqlData(members.url, RESERVE, { m: member.id, o: orderId(), a: 71 }, service())).reservePoints.code).toBe('INSUFFICIENT_POINTS');
    expect((await graphqlData(members.url, CONFIRM, { o: paid }, service())).confirmPointReservation.status).toBe('CONFIRMED');
    expect((await graphqlData(members.url, CONFIRM, { o: paid }, service())).confirmPointReservation.status).toBe('CONFIRMED');
    expect((await graphqlRequest(members.url, RELEASE, { o: paid }, service())).errors?.[0]?.extensions?.code).toBe('CONFLICT');

    await graphqlData(members.url, RESERVE, { m: member.id, o: cancelled, a: 20 }, service());
    const releases = await Promise.all([1, 2, 3].map(() => graphqlData(members.url, RELEASE, { o: cancelled }, service())));
    expect(releases.map((result) => result.releasePointReservation.status)).toEqual(['RELEASED', 'RELEASED', 'RELEASED']);
    expect(await balanceOf(member.headers)).toBe(70);
    expect((await graphqlData(members.url, RELEASE, { o: orderId() }, service())).releasePointReservation).toBeNull();
  });

  it('is refused to members', async () => {
    const member = await newMember(members.url, 'sagamember');
    const response = await graphqlRequest(members.url, RESERVE, { m: member.id, o: orderId(), a: 1 }, member.headers);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('refunds and tombstones of order reservations', () => {
  const REFUND = `mutation ($o: ID!, $a: Int!, $k: String!) { refundPointReservation(orderId: $o, amount: $a, idempotencyKey: $k) {
    id kind amount { amount } } }`;
  const refund = (o: string, a: number, k: string) => graphqlData(members.url, REFUND, { o, a, k }, service()).then((data) => data.refundPointReservation);

  async function paidOrder(name: string, charge: number, used: number) {
    const member = await newMember(members.url, name);
    await graphqlData(members.url, CHARGE, { a: charge, k: 'seed' }, member.headers);
    const order = orderId();
    await graphqlData(members.url, RESERVE, { m: member.id, o: order, a: used }, service());
    await graphqlData(members.url, CONFIRM, { o: order }, service());
    return { member, order };
  }

  it('gives a confirmed reservation back; a repeated key returns the first entry and gives nothing more', async () => {
    const { member, order } = await paidOrder('refundres', 100, 60);
    expect(await balanceOf(member.headers)).toBe(40);
    const first = await refund(order, 60, `refund:${order}`);
    expect(first).toMatchObject({ kind: 'REFUND', amount: { amount: 60 } });
    const again = await Promise.all([1, 2, 3].map(() => refund(order, 60, `refund:${order}`)));
    expect(again.map((entry) => entry.id)).toEqual([first.id, first.id, first.id]);
    expect(await balanceOf(member.headers)).toBe(100);
  });

  it('never gives back more than the reservation took across keys, however many refunds race', async () => {
    const { member, order } = await paidOrder('refundrace', 500, 100);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => refund(order, 30, `part-${i}`)));
    const given = results.filter((entry) => entry !== null).map((entry) => entry.amount.amount);
    expect(given.reduce((sum, amount) => sum + amount, 0)).toBe(100);
    expect(given.sort((a, b) => a - b)).toEqual([10, 30, 30, 30]);
    expect(await balanceOf(member.headers)).toBe(500);
    expect(await refund(order, 1, 'late')).toBeNull();
    // The entry-based refund shares the same account: nothing left there either.
    const [reserve] = await members.app.orm.em.fork().execute(`select id from members.point_entry where kind = 'RESERVE' and idempotency_key = ?`, [order]);
    const REFUND_ENTRY = `mutation ($m: ID!, $e: ID!, $a: Int!, $k: String!) { refundPoints(memberId: $m, entryId: $e, amount: $a, idempotencyKey: $k) { id } }`;
    const over = await graphqlRequest(members.url, REFUND_ENTRY, { m: member.id, e: reserve!.id, a: 1, k: 'entry' }, service());
    expect(over.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses an order that held nothing, an unconfirmed reservation, and members', async () => {
    const member = await newMember(members.url, 'refundbad');
    await graphqlData(members.url, CHARGE, { a: 50, k: 'seed' }, member.headers);
    const code = async (o: string, headers = service()) => (await graphqlRequest(members.url, REFUND, { o, a: 5, k: `k-${o}` }, headers)).errors?.[0]?.extensions?.code;
    expect(await code(orderId())).toBe('NOT_FOUND');
    const held = orderId();
    await graphqlData(members.url, RESERVE, { m: member.id, o: held, a: 20 }, service());
    expect(await code(held)).toBe('CONFLICT');
    expect(await code(held, member.headers)).toBe('FORBIDDEN');
    expect(await balanceOf(member.headers)).toBe(30);
  });

  it('remembers a release of an order that held nothing, so a reserve arriving later holds nothing', async () => {
    const member = await newMember(members.url, 'tombstone');
    await graphqlData(members.url, CHARGE, { a: 100, k: 'seed' }, member.headers);
    const order = orderId();
    expect((await graphqlData(members.url, RELEASE, { o: order }, service())).releasePointReservation).toBeNull();
    const late = (await graphqlData(members.url, RESERVE, { m: member.id, o: order, a: 40 }, service())).reservePoints;
    expect(late).toMatchObject({ __typename: 'PointReservation', status: 'RELEASED', amount: { amount: 0 } });
    expect(await balanceOf(member.headers)).toBe(100);
    expect((await graphqlRequest(members.url, CONFIRM, { o: order }, service())).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a reserve and a release racing for one order end with nothing held, whichever wins', async () => {
    const member = await newMember(members.url, 'tombrace');
    await graphqlData(members.url, CHARGE, { a: 1_000, k: 'seed' }, member.headers);
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const order = orderId();
        await Promise.all([
          graphqlData(members.url, RESERVE, { m: member.id, o: order, a: 10 }, service()),
          graphqlData(members.url, RELEASE, { o: order }, service()),
        ]);
      }),
    );
    expect(await balanceOf(member.headers)).toBe(1_000);
  });
});
