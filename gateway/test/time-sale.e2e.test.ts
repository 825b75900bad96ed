import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { demoId } from '@commerce/demo-data';
import { SOLD_OUT_CHANNEL } from '@commerce/kit';
import { eventually, graphqlData, graphqlRequest, parseMetrics } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';
import { collect, wsClient } from './ws-client.js';

let supergraph: RunningSupergraph;
let sellerToken: string;

const PASSWORD = 'time-sale-e2e-password-1';
const LINEN_SHIRT_L = demoId('variant:linen-shirt-l');

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function logIn(email: string, password: string): Promise<string> {
  const data = await graphqlData(
    supergraph.gatewayUrl,
    `mutation ($email: String!, $password: String!) { logIn(email: $email, password: $password) { __typename ... on Session { accessToken } ... on ErrorResult { code } } }`,
    { email, password },
  );
  if (data.logIn.__typename !== 'Session') throw new Error(`log in failed: ${JSON.stringify(data.logIn)}`);
  return data.logIn.accessToken;
}

/**
 * All 2,000 claims are issued at once; a keep-alive agent carries them over at most 256 sockets, as a
 * fleet of clients behind a load balancer would, instead of opening 2,000 connections past the
 * gateway's listen backlog (which resets the surplus before any request is read).
 */
const claimAgent = new Agent({ keepAlive: true, maxSockets: 256 });

function postGraphql(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<any> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent: claimAgent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

/** Signs members up and logs them in through the gateway; returns their access tokens. */
async function newMembers(count: number): Promise<string[]> {
  const run = randomUUID().slice(0, 8);
  const emails = Array.from({ length: count }, (_, i) => `ts-${run}-${i}@example.test`);
  await pool(emails, 16, async (email) => {
    const data = await graphqlData(
      supergraph.gatewayUrl,
      `mutation ($i: SignUpInput!) { signUp(input: $i) { __typename } }`,
      { i: { email, password: PASSWORD, name: 'Sale Shopper' } },
    );
    if (data.signUp.__typename !== 'Member') throw new Error(`sign-up failed: ${JSON.stringify(data.signUp)}`);
  });
  // Successful logins take their attempt back from the address throttle; a small pool keeps well under it.
  return pool(emails, 8, (email) => logIn(email, PASSWORD));
}

const CLAIM = `mutation ($saleId: ID!, $quantity: Int!, $key: String!) {
  claimTimeSale(saleId: $saleId, quantity: $quantity, idempotencyKey: $key) {
    __typename
    ... on TimeSaleClaim { id quantity expiresAt sale { id } }
    ... on ErrorResult { code }
  }
}`;

/** A claim the gateway's direct path serves (one fetch, selecting what the client selects): the sold-out answers' path. */
const DIRECT_CLAIM = `mutation ($saleId: ID!, $quantity: Int!, $key: String!) {
  claimTimeSale(saleId: $saleId, quantity: $quantity, idempotencyKey: $key) {
    __typename
    ... on TimeSaleClaim { id quantity expiresAt }
    ... on SoldOut { code message remaining }
  }
}`;

async function createSale(quantity: number, perMemberLimit: number): Promise<string> {
  const data = await graphqlData(
    supergraph.gatewayUrl,
    `mutation ($input: CreateTimeSaleInput!) { createTimeSale(input: $input) { __typename ... on TimeSale { id } ... on ErrorResult { code message } } }`,
    {
      input: {
        variantId: LINEN_SHIRT_L,
        price: 29_000,
        quantity,
        perMemberLimit,
        startsAt: new Date(Date.now() - 1_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    },
    auth(sellerToken),
  );
  expect(data.createTimeSale.__typename).toBe('TimeSale');
  return data.createTimeSale.id;
}

beforeAll(async () => {
  supergraph = await startSupergraph('time-sale', { SUBSCRIPTION_COALESCE_MS: '50' });
  sellerToken = await logIn('mina@demo.commerce', 'demo-password-1');
  const adjusted = await graphqlData(
    supergraph.gatewayUrl,
    `mutation { adjustStock(variantId: "${LINEN_SHIRT_L}", delta: 600, reason: "time-sale stock") { __typename } }`,
    {},
    auth(sellerToken),
  );
  expect(adjusted.adjustStock.__typename).toBe('StockLevel');
}, 120_000);
afterAll(async () => {
  claimAgent.destroy();
  await supergraph?.close();
});

describe('time-sale claims through the gateway', () => {
  it('hands out exactly 500 units to 2,000 concurrent claims of 400 members (limit 2), live and in PostgreSQL', { timeout: 180_000 }, async () => {
    const tokens = await newMembers(400);
    const saleId = await createSale(500, 2);

    const client = wsClient(supergraph.gatewayUrl);
    const saleEvents = collect(client, `subscription ($id: ID!) { timeSaleChanged(saleId: $id) { id remaining variant { sku } } }`, { id: saleId });
    const stockEvents = collect(client, `subscription ($ids: [ID!]!) { stockChanged(variantIds: $ids) { timeSaleRemaining variant { sku } } }`, {
      ids: [LINEN_SHIRT_L],
    });
    await new Promise((resolve) => setTimeout(resolve, 500));

    const attempts = tokens.flatMap((token, member) => Array.from({ length: 5 }, () => ({ token, member })));
    const answers = await Promise.all(
      attempts.map(async ({ token, member }) => {
        const response = await postGraphql(supergraph.gatewayUrl, CLAIM, { saleId, quantity: 1, key: randomUUID() }, auth(token));
        if (response.errors?.length) throw new Error(JSON.stringify(response.errors));
        return { member, result: response.data.claimTimeSale };
      }),
    );
    const granted = answers.filter(({ result }) => result.__typename === 'TimeSaleClaim');
    expect(granted.reduce((sum, { result }) => sum + result.quantity, 0)).toBe(500);
    const perMember = new Map<number, number>();
    for (const { member, result } of granted) perMember.set(member, (perMember.get(member) ?? 0) + result.quantity);
    expect(Math.max(...perMember.values())).toBeLessThanOrEqual(2);
    const refusals = new Set(answers.filter(({ result }) => result.__typename !== 'TimeSaleClaim').map(({ result }) => result.code));
    expect([...refusals].every((code) => code === 'SOLD_OUT' || code === 'LIMIT_EXCEEDED')).toBe(true);

    const sale = await graphqlData(supergraph.gatewayUrl, `query ($id: ID!) { timeSale(id: $id) { remaining quantity status } }`, { id: saleId });
    expect(sale.timeSale).toEqual({ remaining: 0, quantity: 500, status: 'ACTIVE' });

    // Live: the coalesced streams end on the final count, with catalog's fields resolved per event.
    await saleEvents.waitFor((events) => events.at(-1)?.timeSaleChanged.remaining === 0, 10_000);
    expect(saleEvents.events.at(-1)).toEqual({ timeSaleChanged: { id: saleId, remaining: 0, variant: { sku: 'MA-LS-L' } } });
    await stockEvents.waitFor((events) => events.at(-1)?.stockChanged.timeSaleRemaining === 0, 10_000);
    saleEvents.stop();
    stockEvents.stop();
    await client.dispose();

    // PostgreSQL holds the same 500 units once the consumer has caught up.
    const em = () => supergraph.subgraphs.inventory!.orm.em.fork();
    await eventually(async () => {
      const [row] = await em().execute<{ claims: number; units: number; claimed: number }[]>(
        `select count(c.id)::int as claims, coalesce(sum(c.quantity), 0)::int as units, s.claimed
           from inventory.time_sale s left join inventory.time_sale_claim c on c.sale_id = s.id and c.status = 'HELD'
          where s.id = ? group by s.claimed`,
        [saleId],
      );
      expect(row).toEqual({ claims: granted.length, units: 500, claimed: 500 });
    }, 15_000, 100);
    const [overLimit] = await em().execute<{ over: number }[]>(
      `select count(*)::int as over from (select member_id from inventory.time_sale_claim where sale_id = ? group by member_id having sum(quantity) > 2) m`,
      [saleId],
    );
    expect(overLimit?.over).toBe(0);

    // The gateway sent claims arriving together to inventory as batches, and every claim belongs to the member
    // whose request made it: no call of a batch was served with another call's identity.
    const samples = parseMetrics(await (await fetch(supergraph.gatewayUrl.replace(/\/graphql$/, '/metrics'))).text());
    const batchedCalls = samples.find((sample) => sample.name === 'gateway_subgraph_batch_calls_sum' && sample.labels.subgraph === 'inventory');
    expect(batchedCalls?.value ?? 0).toBeGreaterThan(100);
    const memberOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
    const owners = await em().execute<{ id: string; member_id: string }[]>(`select id, member_id from inventory.time_sale_claim where sale_id = ?`, [saleId]);
    const ownerOf = new Map(owners.map((row) => [row.id, row.member_id]));
    for (const { member, result } of granted) expect(ownerOf.get(result.id)).toBe(memberOf(tokens[member]!));
  });

  it('answers the same idempotency key sent 20 times at once with one claim; anonymous callers cannot claim', async () => {
    const [token] = await newMembers(1);
    const saleId = await createSale(5, 2);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => graphqlData(supergraph.gatewayUrl, CLAIM, { saleId, quantity: 2, key: 'one-key' }, auth(token!))),
    );
    expect(new Set(answers.map((answer) => answer.claimTimeSale.id)).size).toBe(1);
    expect(answers[0].claimTimeSale).toMatchObject({ __typename: 'TimeSaleClaim', quantity: 2, sale: { id: saleId } });
    const sale = await graphqlData(supergraph.gatewayUrl, `query ($id: ID!) { timeSale(id: $id) { remaining } }`, { id: saleId });
    expect(sale.timeSale.remaining).toBe(3);
    const anonymous = await graphqlRequest(supergraph.gatewayUrl, CLAIM, { saleId, quantity: 1, key: 'anon' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers claims on a sold-out sale itself as inventory would, except retries of existing claims, until units come back', async () => {
    const [holder, other, third] = await newMembers(3);
    const saleId = await createSale(2, 2);
    const inventory = supergraph.subgraphs.inventory!;
    const engine = (inventory.services as { timeSales: { engine: { release(claimId: string): Promise<string> } } }).timeSales.engine;
    const claimBody = async (token: string | undefined, quantity: number, key: string, sale = saleId) => {
      const response = await fetch(supergraph.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? auth(token) : {}) },
        body: JSON.stringify({ query: DIRECT_CLAIM, variables: { saleId: sale, quantity, key } }),
      });
      return response.text();
    };
    const gatewayAnswered = async () => {
      const samples = parseMetrics(await (await fetch(supergraph.gatewayUrl.replace(/\/graphql$/, '/metrics'))).text());
      return samples.find((sample) => sample.name === 'gateway_sold_out_answers_total')?.value ?? 0;
    };
    const inventoryDecided = async () => {
      const metric = await inventory.metrics.registry.getSingleMetric('time_sale_claims_total')!.get();
      return metric.values.reduce((sum, { value }) => sum + value, 0);
    };
    const SOLD_OUT_BODY = `${JSON.stringify({ data: { claimTimeSale: { __typename: 'SoldOut', code: 'SOLD_OUT', message: 'The sale is sold out.', remaining: 0 } } })}\n`;

    // Not well-formed Unicode: Redis holds it with U+FFFD, so only inventory can tell a retry of it.
    const HOLDER_KEY = 'holder-\ud800-key';
    const held = await graphqlData(supergraph.gatewayUrl, DIRECT_CLAIM, { saleId, quantity: 2, key: HOLDER_KEY }, auth(holder!));
    expect(held.claimTimeSale).toMatchObject({ __typename: 'TimeSaleClaim', quantity: 2 });
    // Once inventory's announcement is in, the gateway answers the next claim itself.
    const answeredByGateway = (token: string, sale = saleId) =>
      eventually(async () => {
        const before = await gatewayAnswered();
        expect(await claimBody(token, 1, randomUUID(), sale)).toBe(SOLD_OUT_BODY);
        expect(await gatewayAnswered()).toBe(before + 1);
      });
    // The last unit is gone.
    await answeredByGateway(other!);
    const decided = await inventoryDecided();
    const answered = await gatewayAnswered();
    // The holder's new key is sold out too; its retry of the claim goes to inventory and answers with the claim.
    expect(await claimBody(holder, 1, 'another-key')).toBe(SOLD_OUT_BODY);
    const retry = await graphqlData(supergraph.gatewayUrl, DIRECT_CLAIM, { saleId, quantity: 2, key: HOLDER_KEY }, auth(holder!));
    expect(retry.claimTimeSale).toEqual(held.claimTimeSale);
    // Bad input and anonymous callers get inventory's answers, not SOLD_OUT.
    for (const quantity of [0, 101]) {
      const refused = await graphqlRequest(supergraph.gatewayUrl, DIRECT_CLAIM, { saleId, quantity, key: 'bad' }, auth(other!));
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const anonymous = await graphqlRequest(supergraph.gatewayUrl, DIRECT_CLAIM, { saleId, quantity: 1, key: 'anon' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await gatewayAnswered()).toBe(answered + 1);
    expect(await inventoryDecided()).toBe(decided + 1);

    // Shaped to the client's selection (aliases, fragments, @include and @skip) byte for byte as inventory's answer
    // through a gateway without sold-out answers.
    const plain = await supergraph.startGateway({ SOLD_OUT_ANSWERS: 'false' });
    const selections: [string, Record<string, unknown>][] = [
      [
        `mutation ($saleId: ID!, $key: String!) { claim: claimTimeSale(saleId: $saleId, quantity: 1, idempotencyKey: $key) { __typename ...soldOut } }
         fragment soldOut on SoldOut { left: remaining why: message }`,
        {},
      ],
      ...[true, false].map((more): [string, Record<string, unknown>] => [
        `mutation ($saleId: ID!, $key: String!, $more: Boolean!) {
           claimTimeSale(saleId: $saleId, quantity: 1, idempotencyKey: $key) { __typename ... on SoldOut { code message @include(if: $more) remaining @skip(if: $more) } }
         }`,
        { more },
      ]),
    ];
    for (const [query, variables] of selections) {
      const bodyFrom = async (url: string) =>
        (
          await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...auth(other!) },
            body: JSON.stringify({ query, variables: { saleId, key: randomUUID(), ...variables } }),
          })
        ).text();
      const before = await gatewayAnswered();
      const fromGateway = await bodyFrom(supergraph.gatewayUrl);
      expect(await gatewayAnswered()).toBe(before + 1);
      expect(fromGateway).toBe(await bodyFrom(plain.url));
    }

    // A dropped subscription forgets the sale (what was published meanwhile is lost): inventory answers again, the
    // same bytes.
    const subscribers = async () =>
      String(await inventory.redis.client('LIST'))
        .split('\n')
        .filter((line) => line.includes(` name=${supergraph.env.config.REDIS_KEY_PREFIX}sold-out-sales `) && / psub=1 /.test(line))
        .map((line) => /^id=(\d+) /.exec(line)![1]!);
    const [subscriber] = await subscribers();
    expect(subscriber).toBeDefined();
    await inventory.redis.client('KILL', 'ID', subscriber!);
    await eventually(async () => {
      const before = await inventoryDecided();
      expect(await claimBody(other, 1, randomUUID())).toBe(SOLD_OUT_BODY);
      expect(await inventoryDecided()).toBe(before + 1);
    });
    // What is published before it is back is lost to it too: back and taking announcements again (one for a sale of
    // the test's own, as inventory words it), it still sends this sale's claims on.
    await eventually(async () => expect((await subscribers()).filter((id) => id !== subscriber)).toHaveLength(1));
    const marker = randomUUID();
    const markerAnnouncement = JSON.stringify({ saleId: marker, status: 'OPEN', endsAt: Date.now() + 60_000, at: Date.now(), replays: [] });
    // Published again on each try: one published before the gateway took announcements again is lost to it.
    await eventually(async () => {
      await inventory.redis.publish(`${supergraph.env.config.REDIS_KEY_PREFIX}${SOLD_OUT_CHANNEL}`, markerAnnouncement);
      const before = await gatewayAnswered();
      expect(await claimBody(third, 1, randomUUID(), marker)).toBe(SOLD_OUT_BODY);
      expect(await gatewayAnswered()).toBe(before + 1);
    }, 10_000);
    const beforeBack = await inventoryDecided();
    expect(await claimBody(third, 1, randomUUID())).toBe(SOLD_OUT_BODY);
    expect(await inventoryDecided()).toBe(beforeBack + 1);

    // Units back (the holder's claim released), taken again: sold out again, and the new holder's retry still works.
    expect(await engine.release(held.claimTimeSale.id)).toBe('RELEASED');
    const taken = await graphqlData(supergraph.gatewayUrl, DIRECT_CLAIM, { saleId, quantity: 2, key: 'other-key' }, auth(other!));
    expect(taken.claimTimeSale).toMatchObject({ __typename: 'TimeSaleClaim', quantity: 2 });
    await answeredByGateway(third!);
    const retried = await graphqlData(supergraph.gatewayUrl, DIRECT_CLAIM, { saleId, quantity: 2, key: 'other-key' }, auth(other!));
    expect(retried.claimTimeSale).toEqual(taken.claimTimeSale);
    // The count showing units again ends the announcement: the next claim is granted.
    expect(await engine.release(taken.claimTimeSale.id)).toBe('RELEASED');
    await eventually(async () => {
      const granted = await graphqlData(supergraph.gatewayUrl, DIRECT_CLAIM, { saleId, quantity: 1, key: randomUUID() }, auth(third!));
      expect(granted.claimTimeSale.__typename).toBe('TimeSaleClaim');
    });
  });

  it('shows the active sale and its price on the product in the catalog', async () => {
    const saleId = await createSale(3, 1);
    expect(saleId).toBeTruthy();
    await eventually(async () => {
      const data = await graphqlData(supergraph.gatewayUrl, `{ productVariant(id: "${LINEN_SHIRT_L}") { activeSalePrice { amount } } }`);
      expect(data.productVariant.activeSalePrice).toEqual({ amount: 29_000 });
    }, 15_000, 100);
  });
});
