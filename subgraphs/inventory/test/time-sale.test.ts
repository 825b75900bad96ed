import { randomUUID } from 'node:crypto';
import { parseSoldOutAnnouncement, replayKey, SOLD_OUT_CHANNEL, type SoldOutAnnouncement } from '@commerce/kit';
import { asMember, graphqlData, graphqlRequest } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StockMovement } from '../src/stock/stock-movement.entity.js';
import { TimeSaleClaimEngine } from '../src/time-sale/time-sale-claim.service.js';
import { TimeSaleClaimRecord } from '../src/time-sale/time-sale-claim.entity.js';
import { TimeSaleStreamConsumer } from '../src/time-sale/time-sale.consumer.js';
import { TimeSale } from '../src/time-sale/time-sale.entity.js';
import { saleKeys, STREAM_GROUP, timeSaleChannel } from '../src/time-sale/time-sale.keys.js';
import { applyClaimEvent, applyClaimEvents, parseStreamEntry } from '../src/time-sale/time-sale.ledger.js';
import { reconcileTimeSale } from '../src/time-sale/time-sale.state.js';
import { SYSTEM_ACTOR } from '../src/stock/stock-actor.js';
import { inStockTransaction } from '../src/stock/stock-transaction.js';
import { adjust, ADJUST_STOCK as ADJUST, CATALOG, CREATE_TIME_SALE as CREATE, errorCode, eventually, openShop, openTimeSale, ORDERS, type RunningInventory, SET_THRESHOLD, startInventory, stockOf } from './support/inventory-harness.js';
import { LowStockAlert } from '../src/low-stock/low-stock-alert.entity.js';

let inventory: RunningInventory;

beforeAll(async () => {
  // The stream consumer of the app is kept idle (hour-long poll) so tests drive consumers themselves.
  inventory = await startInventory('time-sale', { TIME_SALE_STREAM_POLL_MS: 3_600_000, TIME_SALE_SWEEP_MS: 100 });
});
afterAll(() => inventory?.close());

const HOUR = 3_600_000;
const CLAIM = `mutation ($saleId: ID!, $quantity: Int!, $key: String!) {
  claimTimeSale(saleId: $saleId, quantity: $quantity, idempotencyKey: $key) {
    __typename
    ... on TimeSaleClaim { id quantity expiresAt sale { id remaining } }
    ... on ErrorResult { code message }
  }
}`;
const SALE = `query ($id: ID!) { timeSale(id: $id) { id quantity remaining status } }`;
const FOR_CHECKOUT = `query ($id: ID!) { timeSaleClaimForCheckout(claimId: $id) {
  claimId saleId memberId variantId quantity unitPrice currency expiresAt status } }`;
const CONSUME = `mutation ($id: ID!, $key: String!) { consumeTimeSaleClaim(claimId: $id, orderKey: $key) }`;
const RELEASE_CLAIM = `mutation ($id: ID!) { releaseTimeSaleClaim(claimId: $id) }`;
const RETIRE = `mutation ($ids: [ID!]!) { retireVariants(variantIds: $ids) }`;

const services = () => inventory.services.timeSales;
const em = () => inventory.app.orm.em.fork();

const newSale = (options: Parameters<typeof openTimeSale>[1]) => openTimeSale(inventory.url, options);

const claim = (saleId: string, memberId: string, quantity = 1, key: string = randomUUID()) =>
  graphqlData(inventory.url, CLAIM, { saleId, quantity, key }, asMember(memberId)).then((data) => data.claimTimeSale);

/** Runs a fresh stream consumer over the sale until the stream is empty. */
async function catchUp(saleId: string, name = `test-${randomUUID().slice(0, 6)}`) {
  const consumer = new TimeSaleStreamConsumer({ engine: services().engine, em, services: inventory.services, name, pendingIdleMs: 0 });
  await consumer.drain(saleId);
}

describe('createTimeSale', () => {
  it("sets the sale's units aside, tells the catalog its price, and loads its Redis state", async () => {
    const { variantId, saleId, sale, shop } = await newSale({ quantity: 5, perMemberLimit: 2, onHand: 8 });
    expect(sale).toMatchObject({ quantity: 5, remaining: 5, status: 'ACTIVE', perMemberLimit: 2, price: { amount: 9_900, currency: 'KRW' } });
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 8, reserved: 5, available: 3 });
    expect(await services().engine.readSale(saleId)).toMatchObject({ remaining: 5, quantity: 5 });
    await eventually(() =>
      expect(inventory.catalogCalls.map((call) => call.variables)).toContainEqual(expect.objectContaining({ saleId, variantId, price: 9_900 })),
    );

    const tooMany = await graphqlData(inventory.url, CREATE, {
      input: { variantId, price: 1, quantity: 4, perMemberLimit: 1, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + HOUR).toISOString() },
    }, shop.owner);
    expect(tooMany.createTimeSale).toEqual({ __typename: 'InsufficientStock', code: 'INSUFFICIENT_STOCK', requested: 4, available: 3 });
  });

  it('is for the store owner or an admin only', async () => {
    const shop = await openShop(inventory.url, [10]);
    const input = { variantId: shop.variantIds[0], price: 1, quantity: 1, perMemberLimit: 1, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + HOUR).toISOString() };
    expect(errorCode(await graphqlRequest(inventory.url, CREATE, { input }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await graphqlRequest(inventory.url, CREATE, { input }, asMember(randomUUID(), ['SELLER'])))).toBe('FORBIDDEN');
    const admin = await graphqlData(inventory.url, CREATE, { input }, asMember(randomUUID(), ['ADMIN']));
    expect(admin.createTimeSale.__typename).toBe('TimeSale');
  });
});

describe('claimTimeSale', () => {
  it('refuses a member who may not purchase yet (unverified email where required) without touching the sale', async () => {
    const { saleId } = await newSale({ quantity: 2, perMemberLimit: 1 });
    const unverified = asMember(randomUUID(), ['CUSTOMER'], null, false);
    const response = await graphqlRequest(inventory.url, CLAIM, { saleId, quantity: 1, key: 'k' }, unverified);
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'EMAIL_NOT_VERIFIED' });
    expect(await claim(saleId, randomUUID())).toMatchObject({ __typename: 'TimeSaleClaim', sale: { remaining: 1 } });
  });

  it("is withdrawn when the catalog retires its variant: claims answer ENDED, the variant's alerts go, once", async () => {
    const { saleId, variantId, shop } = await newSale({ quantity: 3, perMemberLimit: 2, onHand: 8 });
    const other = await newSale({ quantity: 1, perMemberLimit: 1 });
    const holder = randomUUID();
    expect((await claim(saleId, holder)).__typename).toBe('TimeSaleClaim');
    await graphqlData(inventory.url, SET_THRESHOLD, { variantId, threshold: 5 }, shop.owner);
    await adjust(inventory.url, shop.owner, variantId, -1);
    expect(await em().count(LowStockAlert, { variantId })).toBe(1);

    expect(errorCode(await graphqlRequest(inventory.url, RETIRE, { ids: [variantId] }, shop.owner))).toBe('FORBIDDEN');
    expect((await graphqlData(inventory.url, RETIRE, { ids: [variantId, randomUUID()] }, CATALOG)).retireVariants).toBe(1);
    expect((await graphqlData(inventory.url, RETIRE, { ids: [variantId] }, CATALOG)).retireVariants).toBe(0);

    expect((await graphqlData(inventory.url, SALE, { id: saleId })).timeSale.status).toBe('CANCELLED');
    expect(await claim(saleId, randomUUID())).toMatchObject({ __typename: 'Ended', code: 'ENDED' });
    expect(await em().count(LowStockAlert, { variantId })).toBe(0);
    // Retired: nobody stocks it or opens a new sale of it; units still move for what was sold (settlement).
    expect(errorCode(await graphqlRequest(inventory.url, CREATE, { input: { variantId, price: 1_000, quantity: 1, perMemberLimit: 1, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + HOUR).toISOString() } }, shop.owner))).toBe('NOT_FOUND');
    expect(errorCode(await graphqlRequest(inventory.url, ADJUST, { variantId, delta: 1, reason: 'late delivery' }, shop.owner))).toBe('NOT_FOUND');
    // Another variant's sale is untouched.
    expect(await claim(other.saleId, randomUUID())).toMatchObject({ __typename: 'TimeSaleClaim' });
    expect(errorCode(await graphqlRequest(inventory.url, RETIRE, { ids: ['nope'] }, CATALOG))).toBe('BAD_USER_INPUT');
  });

  it('retires variants without deadlocking a reservation of the same variants under way', async () => {
    // The higher id's row comes first in the table, so a scan meets it first.
    const [low, high] = [randomUUID(), randomUUID()].sort() as [string, string];
    const storeId = randomUUID();
    await graphqlData(inventory.url, `mutation ($s: ID!, $o: ID!) { registerStore(storeId: $s, ownerId: $o) }`, { s: storeId, o: randomUUID() }, CATALOG);
    await graphqlData(inventory.url, `mutation ($v: [RegisterVariantInput!]!) { registerVariants(variants: $v) }`, {
      v: [high, low].map((variantId) => ({ variantId, storeId })),
    }, CATALOG);
    const lockRow = (tx: ReturnType<typeof em>, variantId: string) =>
      tx.execute(`select "variant_id" from "inventory"."stock_level" where "variant_id" = ? for update`, [variantId]);
    const retirementWaits = async () =>
      (await em().execute<{ n: number }[]>(`select count(*)::int as "n" from pg_stat_activity where wait_event_type = 'Lock' and query like '%retired_at%'`))[0]!.n;

    let retirement: Promise<{ retireVariants: number }> | undefined;
    // A reservation of both variants locks their rows in id order: the lower one, then (once the retirement is waiting
    // on it) the higher one. A retirement that had taken the higher one first would deadlock with it here.
    await em().transactional(async (tx) => {
      await lockRow(tx, low);
      retirement = graphqlData(inventory.url, RETIRE, { ids: [low, high] }, CATALOG);
      await eventually(async () => expect(await retirementWaits()).toBe(1));
      await lockRow(tx, high);
    });
    expect((await retirement!).retireVariants).toBe(0);
    const rows = await em().execute(`select count(*)::int as "n" from "inventory"."stock_level" where "variant_id" in (?, ?) and "retired_at" is not null`, [low, high]);
    expect(rows).toEqual([{ n: 2 }]);
  });

  it('finishes a withdrawal whose Redis step failed when the catalog retries the retirement', async () => {
    const { saleId, variantId } = await newSale({ quantity: 2, perMemberLimit: 1 });
    // As after a crash between the commit and Redis: PostgreSQL says cancelled, Redis still grants claims.
    await em().nativeUpdate(TimeSale, { id: saleId }, { cancelledAt: new Date() });
    expect((await claim(saleId, randomUUID())).__typename).toBe('TimeSaleClaim');
    expect((await graphqlData(inventory.url, RETIRE, { ids: [variantId] }, CATALOG)).retireVariants).toBe(0);
    expect(await claim(saleId, randomUUID())).toMatchObject({ __typename: 'Ended', code: 'ENDED' });
  });

  it('refuses anonymous callers, and answers each business refusal as a typed result', async () => {
    const { saleId } = await newSale({ quantity: 2, perMemberLimit: 1 });
    expect(errorCode(await graphqlRequest(inventory.url, CLAIM, { saleId, quantity: 1, key: 'k' }))).toBe('UNAUTHENTICATED');
    const alice = randomUUID();
    const first = await claim(saleId, alice);
    expect(first).toMatchObject({ __typename: 'TimeSaleClaim', quantity: 1, sale: { id: saleId, remaining: 1 } });
    expect(await claim(saleId, alice)).toMatchObject({ __typename: 'LimitExceeded', code: 'LIMIT_EXCEEDED' });
    expect(await claim(saleId, randomUUID(), 2)).toMatchObject({ __typename: 'SoldOut', code: 'SOLD_OUT' });
    await claim(saleId, randomUUID());
    expect(await claim(saleId, randomUUID())).toMatchObject({ __typename: 'SoldOut', code: 'SOLD_OUT' });

    const later = await newSale({ quantity: 2, perMemberLimit: 1, startsAt: new Date(Date.now() + HOUR), endsAt: new Date(Date.now() + 2 * HOUR) });
    expect(await claim(later.saleId, alice)).toMatchObject({ __typename: 'NotStarted', code: 'NOT_STARTED' });
    expect(errorCode(await graphqlRequest(inventory.url, CLAIM, { saleId: randomUUID(), quantity: 1, key: 'k' }, asMember(alice)))).toBe('NOT_FOUND');
  });

  it('rate-limits claim attempts per member, but not replays of one key', async () => {
    const { saleId } = await newSale({ quantity: 50, perMemberLimit: 50 });
    const member = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 15 }, () => graphqlRequest(inventory.url, CLAIM, { saleId, quantity: 1, key: randomUUID() }, asMember(member))),
    );
    expect(answers.filter((answer) => answer.data?.claimTimeSale?.__typename === 'TimeSaleClaim')).toHaveLength(10);
    expect(answers.filter((answer) => errorCode(answer) === 'RATE_LIMITED')).toHaveLength(5);
  });

  it('grants exactly the units there are under 600 concurrent claims of 120 members, limit 2, and PostgreSQL ends up the same', async () => {
    const { saleId } = await newSale({ quantity: 100, perMemberLimit: 2 });
    const members = Array.from({ length: 120 }, () => randomUUID());
    const results = await Promise.all(members.flatMap((member) => Array.from({ length: 5 }, () => claim(saleId, member).then((r) => ({ member, r })))));
    const granted = results.filter(({ r }) => r.__typename === 'TimeSaleClaim');
    expect(granted.reduce((sum, { r }) => sum + r.quantity, 0)).toBe(100);
    const perMember = new Map<string, number>();
    for (const { member, r } of granted) perMember.set(member, (perMember.get(member) ?? 0) + r.quantity);
    expect(Math.max(...perMember.values())).toBeLessThanOrEqual(2);
    expect((await graphqlData(inventory.url, SALE, { id: saleId })).timeSale).toMatchObject({ remaining: 0, quantity: 100 });

    // Two consumers side by side write the stream to PostgreSQL: each claim once.
    await Promise.all([catchUp(saleId), catchUp(saleId)]);
    const records = await em().find(TimeSaleClaimRecord, { saleId });
    expect(records).toHaveLength(granted.length);
    expect(new Set(records.map((record) => record.id))).toEqual(new Set(granted.map(({ r }) => r.id)));
    expect((await em().findOneOrFail(TimeSale, saleId)).claimed).toBe(100);
    expect(await reconcileTimeSale({ em: em(), engine: services().engine }, saleId)).toMatchObject({ redisRemaining: 0, postgresRemaining: 0, backlog: 0, drift: [] });
  });

  it('answers 20 concurrent sends of one idempotency key with one claim', async () => {
    const { saleId } = await newSale({ quantity: 10, perMemberLimit: 5 });
    const member = randomUUID();
    const answers = await Promise.all(Array.from({ length: 20 }, () => claim(saleId, member, 2, 'same-key')));
    expect(new Set(answers.map((answer) => answer.id)).size).toBe(1);
    expect(answers.every((answer) => answer.__typename === 'TimeSaleClaim' && answer.quantity === 2)).toBe(true);
    expect((await services().engine.readSale(saleId))!.remaining).toBe(8);
    expect(await services().engine.backlog(saleId)).toBe(1);
    // The same key from another member is another claim.
    expect((await claim(saleId, randomUUID(), 1, 'same-key')).id).not.toBe(answers[0].id);
  });
});

describe('claims made together', () => {
  /** The counts published on a sale's live channel while `act` runs, once `expected` have arrived. */
  async function publishedDuring(saleId: string, expected: number, act: () => Promise<unknown>): Promise<number[]> {
    const subscriber = inventory.app.redis.duplicate({ keyPrefix: '' });
    const counts: number[] = [];
    subscriber.on('message', (_channel: string, message: string) => counts.push(JSON.parse(message).remaining));
    try {
      await subscriber.subscribe(`${services().engine.options.channelPrefix}${timeSaleChannel(saleId)}`);
      await act();
      await eventually(() => expect(counts.length).toBeGreaterThanOrEqual(expected));
      return counts;
    } finally {
      subscriber.disconnect();
    }
  }

  it('are decided in one script call per sale, each in the order made, as if it had come alone', async () => {
    const { engine } = services();
    const a = (await newSale({ quantity: 5, perMemberLimit: 2 })).saleId;
    const b = (await newSale({ quantity: 3, perMemberLimit: 5 })).saleId;
    const [m1, m2, m3, m4] = Array.from({ length: 4 }, () => randomUUID());
    const claimOf = (saleId: string, memberId: string, quantity: number, idempotencyKey: string = randomUUID()) =>
      engine.claim({ saleId, memberId, quantity, idempotencyKey });
    let outcomes: Awaited<ReturnType<typeof claimOf>>[] = [];
    // All made in one turn of the event loop: one batch, split by sale. A release after it publishes last, so every
    // count the batch published has arrived before it.
    const counts = await publishedDuring(a, 2, async () => {
      outcomes = await Promise.all([
        claimOf(a, m1!, 1, 'k1'),
        claimOf(b, m1!, 1),
        claimOf(a, m1!, 1, 'k1'), // the same key again: the first claim, not another
        claimOf(a, m1!, 2), // over the limit of 2 with the unit already held
        claimOf(b, m2!, 1),
        claimOf(a, m2!, 2),
        claimOf(a, m3!, 2), // the last 2 units
        claimOf(b, m3!, 1),
        claimOf(a, m4!, 1),
        claimOf(b, m4!, 1),
      ]);
      expect(await engine.release((outcomes[6] as Extract<(typeof outcomes)[number], { kind: 'CLAIMED' }>).claimId)).toBe('RELEASED');
    });
    expect(outcomes.map((outcome) => outcome.kind)).toEqual([
      'CLAIMED', 'CLAIMED', 'CLAIMED', 'LIMIT_EXCEEDED', 'CLAIMED', 'CLAIMED', 'CLAIMED', 'CLAIMED', 'SOLD_OUT', 'SOLD_OUT',
    ]);
    const [first, , replay] = outcomes as Extract<(typeof outcomes)[number], { kind: 'CLAIMED' }>[];
    expect(replay).toMatchObject({ claimId: first!.claimId, replayed: true });
    expect(outcomes[3]).toEqual({ kind: 'LIMIT_EXCEEDED', held: 1 });
    expect(outcomes.slice(5, 7).map((outcome) => outcome.kind === 'CLAIMED' && outcome.remaining)).toEqual([2, 0]);
    expect(outcomes[8]).toEqual({ kind: 'SOLD_OUT', remaining: 0 });
    // One publish of the sale's count per script call (per claim, sale A would have published three times), then the
    // release's.
    expect(counts).toEqual([0, 2]);
    expect((await engine.readSale(a))!.remaining).toBe(2);
    expect((await engine.readSale(b))!.remaining).toBe(0);
    expect(Object.fromEntries(await engine.memberTotals(a))).toEqual({ [m1!]: 1, [m2!]: 2, [m3!]: 0 });
    expect(await engine.backlog(a)).toBe(4);
    expect(await engine.backlog(b)).toBe(3);
  });

  it('fail one by one: a claim whose step fails leaves the others decided and counted', async () => {
    const { engine } = services();
    const { saleId } = await newSale({ quantity: 5, perMemberLimit: 5 });
    const member = randomUUID();
    const first = await engine.claim({ saleId, memberId: member, quantity: 1, idempotencyKey: 'kept' });
    if (first.kind !== 'CLAIMED') throw new Error(first.kind);
    // The first claim's record is gone (as when a settled sale's keys expire one by one): its replay cannot be read.
    await engine.redis.hdel(saleKeys(saleId)[3]!, first.claimId);
    const [replay, before, after] = await Promise.allSettled([
      engine.claim({ saleId, memberId: randomUUID(), quantity: 1, idempotencyKey: randomUUID() }),
      engine.claim({ saleId, memberId: member, quantity: 1, idempotencyKey: 'kept' }),
      engine.claim({ saleId, memberId: randomUUID(), quantity: 2, idempotencyKey: randomUUID() }),
    ]).then(([x, y, z]) => [y, x, z]);
    expect(replay!.status).toBe('rejected');
    expect(String((replay as PromiseRejectedResult).reason)).toContain('The claim script failed');
    expect(before).toMatchObject({ status: 'fulfilled', value: { kind: 'CLAIMED', remaining: 3 } });
    expect(after).toMatchObject({ status: 'fulfilled', value: { kind: 'CLAIMED', remaining: 1 } });
    expect((await engine.readSale(saleId))!.remaining).toBe(1);
    expect(await engine.backlog(saleId)).toBe(3);
  });

  it('that take the last unit announce the sale sold out with its claims, unless it holds more than the most announced', async () => {
    const { engine } = services();
    const capped = new TimeSaleClaimEngine(inventory.app.redis, { ...engine.options, maxAnnouncedClaims: 2 });
    const subscriber = inventory.app.redis.duplicate({ keyPrefix: '' });
    const announced: SoldOutAnnouncement[] = [];
    subscriber.on('message', (_channel: string, message: string) => announced.push(parseSoldOutAnnouncement(message)!));
    try {
      await subscriber.subscribe(`${engine.options.channelPrefix}${SOLD_OUT_CHANNEL}`);
      const big = (await newSale({ quantity: 3, perMemberLimit: 3 })).saleId;
      const small = await newSale({ quantity: 3, perMemberLimit: 3 });
      const [m1, m2, m3] = [randomUUID(), randomUUID(), randomUUID()];
      // Three claims for the capped engine's limit of two: sold out, not announced.
      await Promise.all([1, 2, 3].map(() => capped.claim({ saleId: big, memberId: m1, quantity: 1, idempotencyKey: randomUUID() })));
      // A claim given back still counts: its member's retry must answer with it.
      const given = await engine.claim({ saleId: small.saleId, memberId: m3, quantity: 1, idempotencyKey: 'k1' });
      expect(given.kind === 'CLAIMED' && (await engine.release(given.claimId))).toBe('RELEASED');
      // One unit short of selling out, then the last two: one announcement, after the batch that took them.
      await engine.claim({ saleId: small.saleId, memberId: m1, quantity: 1, idempotencyKey: 'k0' });
      const last = await Promise.all([
        engine.claim({ saleId: small.saleId, memberId: m2, quantity: 2, idempotencyKey: 'k2' }),
        engine.claim({ saleId: small.saleId, memberId: m2, quantity: 1, idempotencyKey: 'k3' }),
      ]);
      expect(last.map((outcome) => outcome.kind)).toEqual(['CLAIMED', 'SOLD_OUT']);
      await eventually(() => expect(announced).toHaveLength(1));
      const [announcement] = announced;
      expect(announcement).toMatchObject({ saleId: small.saleId, status: 'OPEN' });
      expect(announcement!.replays.sort()).toEqual([replayKey(m3, 'k1'), replayKey(m1, 'k0'), replayKey(m2, 'k2')].sort());
      expect(announcement!.endsAt).toBe((await engine.readSale(small.saleId))!.endsAt.getTime());
      expect(Math.abs(announcement!.at - Date.now())).toBeLessThan(5_000);
    } finally {
      subscriber.disconnect();
    }
  });

  it('go to Redis at most 100 to a script call', async () => {
    const { saleId } = await newSale({ quantity: 1_000, perMemberLimit: 1_000 });
    const counts = await publishedDuring(saleId, 3, () =>
      Promise.all(Array.from({ length: 250 }, () => services().engine.claim({ saleId, memberId: randomUUID(), quantity: 1, idempotencyKey: randomUUID() }))),
    );
    expect(counts).toEqual([900, 800, 750]);
  });
});

describe('claims at checkout', () => {
  it('sell the units once per order key: on_hand and reserved drop with a SALE movement; others get false', async () => {
    const { saleId, variantId } = await newSale({ quantity: 4, perMemberLimit: 4, onHand: 10 });
    const member = randomUUID();
    const held = await claim(saleId, member, 3);
    const checkout = await graphqlData(inventory.url, FOR_CHECKOUT, { id: held.id }, ORDERS);
    expect(checkout.timeSaleClaimForCheckout).toEqual({
      claimId: held.id, saleId, memberId: member, variantId, quantity: 3, unitPrice: 9_900, currency: 'KRW', expiresAt: held.expiresAt, status: 'HELD',
    });
    expect(errorCode(await graphqlRequest(inventory.url, FOR_CHECKOUT, { id: held.id }, asMember(member)))).toBe('FORBIDDEN');

    const consumed = await Promise.all(Array.from({ length: 5 }, () => graphqlData(inventory.url, CONSUME, { id: held.id, key: 'order-a' }, ORDERS)));
    expect(consumed.every((data) => data.consumeTimeSaleClaim === true)).toBe(true);
    expect((await graphqlData(inventory.url, CONSUME, { id: held.id, key: 'order-b' }, ORDERS)).consumeTimeSaleClaim).toBe(false);
    expect((await graphqlData(inventory.url, RELEASE_CLAIM, { id: held.id }, ORDERS)).releaseTimeSaleClaim).toBe(false);
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 7, reserved: 1 });
    const sales = await em().find(StockMovement, { variantId, kind: 'SALE' as never });
    expect(sales.map((movement) => movement.delta)).toEqual([-3]);
    // The consumer applying the same events later changes nothing.
    await catchUp(saleId);
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 7, reserved: 1 });
    expect((await em().findOneOrFail(TimeSaleClaimRecord, held.id)).status).toBe('CONSUMED');
    expect((await graphqlData(inventory.url, FOR_CHECKOUT, { id: held.id }, ORDERS)).timeSaleClaimForCheckout.status).toBe('CONSUMED');
  });

  it('tell a checkout asking again whether its claim is sold also without the sale in Redis, or to ask later', async () => {
    const { saleId } = await newSale({ quantity: 2, perMemberLimit: 1, endsAt: new Date(Date.now() + 1_500) });
    const held = await claim(saleId, randomUUID());
    const consume = async (key: string) => graphqlRequest(inventory.url, CONSUME, { id: held.id, key }, ORDERS);
    expect((await consume('order-1')).data.consumeTimeSaleClaim).toBe(true);

    // Another replica is rebuilding the lost state: not knowing, inventory says so rather than "no".
    // (The lock is taken first, so that the app's sweep cannot rebuild the state in between.)
    const redis = services().engine.redis;
    const token = randomUUID();
    expect(await services().engine.lockRebuild(saleId, token, 60_000)).toBe(true);
    await redis.del(saleKeys(saleId)[0]!);
    expect(errorCode(await consume('order-1'))).toBe('UNAVAILABLE');
    await services().engine.unlockRebuild(saleId, token);
    expect((await consume('order-1')).data.consumeTimeSaleClaim).toBe(true);

    // Settled, and its state expired in Redis since: PostgreSQL answers.
    await eventually(async () => expect((await em().findOneOrFail(TimeSale, saleId)).settledAt).not.toBeNull(), 5_000);
    await redis.del(...saleKeys(saleId).slice(0, 6));
    expect((await consume('order-1')).data.consumeTimeSaleClaim).toBe(true);
    expect((await consume('order-2')).data.consumeTimeSaleClaim).toBe(false);
  });

  it('give the units back to the sale when the checkout is released, and cannot be consumed after', async () => {
    const { saleId } = await newSale({ quantity: 2, perMemberLimit: 2 });
    const held = await claim(saleId, randomUUID(), 2);
    expect((await services().engine.readSale(saleId))!.remaining).toBe(0);
    expect((await graphqlData(inventory.url, RELEASE_CLAIM, { id: held.id }, ORDERS)).releaseTimeSaleClaim).toBe(true);
    expect((await services().engine.readSale(saleId))!.remaining).toBe(2);
    expect((await graphqlData(inventory.url, CONSUME, { id: held.id, key: 'late' }, ORDERS)).consumeTimeSaleClaim).toBe(false);
    await catchUp(saleId);
    expect((await em().findOneOrFail(TimeSaleClaimRecord, held.id)).status).toBe('RELEASED');
    expect((await em().findOneOrFail(TimeSale, saleId)).claimed).toBe(0);
  });

  it('expire when unpaid: the sweeper gives the units back and publishes it, and checkout then gets false', async () => {
    const { saleId } = await newSale({ quantity: 3, perMemberLimit: 3 });
    // Same Redis and keys as the app, with a 300 ms hold.
    const shortHold = new TimeSaleClaimEngine(inventory.app.redis, { ...services().engine.options, holdMs: 300 });
    const outcome = await shortHold.claim({ saleId, memberId: randomUUID(), quantity: 2, idempotencyKey: 'k' });
    if (outcome.kind !== 'CLAIMED') throw new Error(outcome.kind);
    expect((await services().engine.readSale(saleId))!.remaining).toBe(1);
    await eventually(async () => expect((await services().engine.readSale(saleId))!.remaining).toBe(3), 3_000);
    expect((await services().engine.readClaim(outcome.claimId))!.status).toBe('EXPIRED');
    expect((await graphqlData(inventory.url, CONSUME, { id: outcome.claimId, key: 'o' }, ORDERS)).consumeTimeSaleClaim).toBe(false);
    await catchUp(saleId);
    expect((await em().findOneOrFail(TimeSaleClaimRecord, outcome.claimId)).status).toBe('EXPIRED');
    expect((await em().findOneOrFail(TimeSale, saleId)).claimed).toBe(0);
  });
});

describe('the stream consumer', () => {
  it('resumes after a consumer died mid-stream: nothing lost, nothing twice', async () => {
    const { saleId } = await newSale({ quantity: 60, perMemberLimit: 1 });
    const granted = (await Promise.all(Array.from({ length: 60 }, () => claim(saleId, randomUUID())))).map((r) => r.id);
    const redis = services().engine.redis;
    const stream = saleKeys(saleId)[5]!;
    // A consumer reads 40 entries, commits 20 of them to PostgreSQL, and dies before acknowledging any.
    const reply = (await redis.xreadgroup('GROUP', STREAM_GROUP, 'doomed', 'COUNT', 40, 'STREAMS', stream, '>')) as [string, [string, string[]][]][];
    const taken = reply[0]![1];
    expect(taken).toHaveLength(40);
    await inStockTransaction({ em: em(), services: inventory.services }, async (tx, changes) => {
      for (const [, fields] of taken.slice(0, 20)) await applyClaimEvent(tx, changes, parseStreamEntry(saleId, fields), SYSTEM_ACTOR);
    });
    // A releases arrives after the claim it closes, while that claim's entry is still pending with the dead consumer.
    const pendingClaim = parseStreamEntry(saleId, taken[30]![1]).claim.id;
    expect(await services().engine.release(pendingClaim)).toBe('RELEASED');

    await catchUp(saleId, 'survivor');
    const records = await em().find(TimeSaleClaimRecord, { saleId });
    expect(records.map((record) => record.id).sort()).toEqual([...granted].sort());
    expect(records.find((record) => record.id === pendingClaim)!.status).toBe('RELEASED');
    expect((await em().findOneOrFail(TimeSale, saleId)).claimed).toBe(59);
    expect(await redis.xlen(stream)).toBe(0);
    const pending = (await redis.xpending(stream, STREAM_GROUP)) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);
    expect((await reconcileTimeSale({ em: em(), engine: services().engine }, saleId))!.drift).toEqual([]);
  });

  it('writes the one-field entries the scripts append, and the nine-field entries of earlier builds a stream may still hold', async () => {
    const { saleId } = await newSale({ quantity: 5, perMemberLimit: 2 });
    const [memberA, memberB] = [randomUUID(), randomUUID()];
    const first = await claim(saleId, memberA, 2, 'key-a');
    const second = await claim(saleId, memberB, 1, 'key-b');
    const redis = services().engine.redis;
    const stream = saleKeys(saleId)[5]!;
    const entries = (await redis.xrange(stream, '-', '+')) as [string, string[]][];
    expect(entries.map(([, fields]) => fields[0])).toEqual(['e', 'e']);
    expect(entries.map(([, fields]) => fields.length)).toEqual([2, 2]);
    // The first claim's entry as an earlier build wrote it, in place of the script's own.
    const old = parseStreamEntry(saleId, entries[0]![1]).claim;
    await redis.xdel(stream, entries[0]![0]);
    await redis.xadd(stream, '*', 'type', 'CLAIMED', 'claimId', old.id, 'memberId', old.memberId, 'quantity', String(old.quantity),
      'idempotencyKey', old.idempotencyKey, 'expiresAt', String(old.expiresAt.getTime()), 'createdAt', String(old.createdAt.getTime()), 'orderKey', '', 'at', String(Date.now()));

    await catchUp(saleId);
    const records = await em().find(TimeSaleClaimRecord, { saleId }, { orderBy: { quantity: 'desc' } });
    expect(records.map(({ id, memberId, quantity, idempotencyKey, status }) => ({ id, memberId, quantity, idempotencyKey, status }))).toEqual([
      { id: first.id, memberId: memberA, quantity: 2, idempotencyKey: 'key-a', status: 'HELD' },
      { id: second.id, memberId: memberB, quantity: 1, idempotencyKey: 'key-b', status: 'HELD' },
    ]);
    expect(records[0]!.expiresAt.toISOString()).toBe(first.expiresAt);
    expect(records[1]!.expiresAt.toISOString()).toBe(second.expiresAt);
    expect((await em().findOneOrFail(TimeSale, saleId)).claimed).toBe(3);
    expect(await redis.xlen(stream)).toBe(0);
  });

  it('counts an entry once when a batch holds it twice, or a batch is applied again', async () => {
    const { saleId } = await newSale({ quantity: 10, perMemberLimit: 1 });
    await Promise.all(Array.from({ length: 4 }, () => claim(saleId, randomUUID())));
    const redis = services().engine.redis;
    const reply = (await redis.xrange(saleKeys(saleId)[5]!, '-', '+')) as [string, string[]][];
    const events = reply.map(([, fields]) => parseStreamEntry(saleId, fields));
    const batch = [...events, events[0]!, events[2]!];
    for (let i = 0; i < 2; i++) {
      await inStockTransaction({ em: em(), services: inventory.services }, (tx, changes) => applyClaimEvents(tx, changes, saleId, batch, SYSTEM_ACTOR));
    }
    expect(await em().count(TimeSaleClaimRecord, { saleId })).toBe(4);
    expect((await em().findOneOrFail(TimeSale, saleId)).claimed).toBe(4);
  });
  it("queues a checkout's sale of a claim behind a consumer batch writing that claim, instead of deadlocking", async () => {
    const { saleId, variantId } = await newSale({ quantity: 4, perMemberLimit: 1, onHand: 10 });
    await claim(saleId, randomUUID());
    const sold = await claim(saleId, randomUUID());
    const entries = (await services().engine.redis.xrange(saleKeys(saleId)[5]!, '-', '+')) as [string, string[]][];
    const [firstClaimed, soldClaimed] = entries.map(([, fields]) => parseStreamEntry(saleId, fields));
    const consumed = await services().engine.consume(sold.id, 'order-1');
    expect(consumed.outcome).toBe('CONSUMED');
    const waitingOnLocks = async () => {
      const [row] = await em().execute<{ n: number }[]>(
        `select count(*)::int as "n" from pg_stat_activity where wait_event_type = 'Lock' and query like ?`,
        [`%${saleId}%`],
      );
      return row!.n;
    };

    // A consumer's batch that a non-claim event splits in two runs: it has written the first run when the checkout
    // starts, and writes the sold claim's CLAIMED while the checkout is under way.
    let checkout: Promise<boolean> | undefined;
    await inStockTransaction({ em: em(), services: inventory.services }, async (tx, changes) => {
      await applyClaimEvents(tx, changes, saleId, [firstClaimed!], SYSTEM_ACTOR);
      checkout = inStockTransaction({ em: em(), services: inventory.services }, (other, otherChanges) =>
        applyClaimEvent(other, otherChanges, { type: 'CONSUMED', claim: consumed.claim! }, SYSTEM_ACTOR),
      );
      await eventually(async () => expect(await waitingOnLocks()).toBe(1));
      await applyClaimEvents(tx, changes, saleId, [soldClaimed!], SYSTEM_ACTOR);
    });
    expect(await checkout).toBe(true);

    expect((await em().findOneOrFail(TimeSaleClaimRecord, sold.id)).status).toBe('CONSUMED');
    expect((await em().findOneOrFail(TimeSale, saleId)).claimed).toBe(2);
    expect(await stockOf(inventory.url, variantId)).toMatchObject({ onHand: 9, reserved: 3 });
  });
});

describe('the sweep', () => {
  it("cancels in Redis a sale that PostgreSQL holds cancelled (a withdrawal that met another replica's rebuild)", async () => {
    const { saleId } = await newSale({ quantity: 5, perMemberLimit: 5 });
    expect((await services().engine.readSale(saleId))!.status).toBe('OPEN');
    await em().nativeUpdate(TimeSale, { id: saleId }, { cancelledAt: new Date() });
    await eventually(async () => expect((await services().engine.readSale(saleId))!.status).toBe('CANCELLED'));
    expect(await claim(saleId, randomUUID())).toMatchObject({ __typename: 'Ended', code: 'ENDED' });
  });
});

describe('reconciliation', () => {
  it('reports drift between Redis and PostgreSQL', async () => {
    const { saleId } = await newSale({ quantity: 5, perMemberLimit: 5 });
    const held = await claim(saleId, randomUUID(), 2);
    await catchUp(saleId);
    expect((await reconcileTimeSale({ em: em(), engine: services().engine }, saleId))!.drift).toEqual([]);
    await services().engine.redis.hincrby(saleKeys(saleId)[0]!, 'remaining', 1);
    await em().nativeUpdate(TimeSaleClaimRecord, { id: held.id }, { status: 'EXPIRED' });
    const report = await graphqlData(
      inventory.url,
      `query ($id: ID!) { timeSaleReconciliation(saleId: $id) { redisRemaining postgresRemaining backlog drift } }`,
      { id: saleId },
      asMember(randomUUID(), ['ADMIN']),
    );
    expect(report.timeSaleReconciliation).toMatchObject({ redisRemaining: 4, postgresRemaining: 3, backlog: 0 });
    expect(report.timeSaleReconciliation.drift).toEqual([
      'remaining: Redis 4, PostgreSQL 3',
      `claim ${held.id}: Redis HELD, PostgreSQL EXPIRED`,
    ]);
  });
});
