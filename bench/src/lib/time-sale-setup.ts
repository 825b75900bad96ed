import { saleKeys } from '@commerce/inventory';
import { createRedis } from '@commerce/kit';
import { ENDED_SESSIONS_KEY, wholeSinceOf } from '@commerce/kit/http';
import { asMember, graphqlData } from '@commerce/testkit';
import { sleep } from './report.js';
import { mapLimit, type SeededVariant } from './seed.js';
import type { SubgraphsInfo } from './supergraph.js';

/** A sale's per-member limit and the units of a sale too big to sell out (the most a sale may have). */
export const BIG = 1_000_000;

/**
 * One operation text with variables, as real clients send it: the gateway then parses, validates and plans it once.
 * (Inlining the idempotency key into the text made every request a new document, re-planned each time.)
 */
export const CLAIM = (saleId: string) =>
  JSON.stringify({
    query: 'mutation Claim($saleId: ID!, $key: String!) { claimTimeSale(saleId: $saleId, quantity: 1, idempotencyKey: $key) { __typename } }',
    variables: { saleId, key: '__SEQ__' },
  });

/**
 * Waits until the sale's claim stream is empty: every claim a burst's warm-up made on it written to PostgreSQL by
 * inventory's consumer, which deletes what it wrote. Those writes lag the claims by up to a few thousand entries under
 * the warm-up's load, and a burst started at once paid for them: a shop's buyers wait for the sale to open, the shop
 * quiet. At most `maxMs`, as the servers close keep-alive connections idle for 5 s and the burst's must stay open.
 */
export async function claimsWritten(redis: ReturnType<typeof createRedis>, prefix: string, saleId: string, maxMs = 4_000): Promise<{ waitedMs: number; left: number }> {
  const started = Date.now();
  for (;;) {
    const left = await redis.xlen(`${prefix}${saleKeys(saleId)[5]}`);
    const waitedMs = Date.now() - started;
    if (left === 0 || waitedMs >= maxMs) return { waitedMs, left };
    await sleep(50);
  }
}

/** The Redis server's process id, for its CPU time over a burst. */
export async function redisServerPid(redis: ReturnType<typeof createRedis>): Promise<number> {
  const match = /process_id:(\d+)/.exec(await redis.info('server'));
  if (!match) throw new Error('Redis INFO gave no process_id');
  return Number(match[1]);
}

/** Past the gateway's 5 s clock margin around the mark, and past the second an access token's `iat` is rounded to. */
const SESSION_MARK_MARGIN_MS = 6_500;

/** When the ended-sessions set has been whole since (members marks it at its start). */
async function wholeSince({ redisUrl, redisKeyPrefix }: SubgraphsInfo): Promise<number> {
  const redis = createRedis({ url: redisUrl, keyPrefix: redisKeyPrefix });
  try {
    const marks = (await redis.zrange(ENDED_SESSIONS_KEY, '0', '-1')).map(wholeSinceOf).filter((since) => since !== null);
    if (marks.length === 0) throw new Error('the ended-sessions set has no whole-since mark: members did not start as expected');
    return Math.max(...marks);
  } finally {
    redis.disconnect();
  }
}

/**
 * The buyers: the demo customers and `extraMembers` new members, signed up and logged in through the gateway at
 * `url`. Their emails, and their `Authorization` header values.
 */
export async function logInBuyers(url: string, subgraphs: SubgraphsInfo, extraMembers: number): Promise<{ emails: string[]; authorizations: string[] }> {
  const emails = ['alice@demo.commerce', 'bob@demo.commerce'];
  const run = Date.now().toString(36);
  await mapLimit([...Array(extraMembers).keys()], 4, async (i) => {
    const email = `buyer-${run}-${i}@bench.local`;
    await graphqlData(url, 'mutation ($input: SignUpInput!) { signUp(input: $input) { __typename } }', {
      input: { email, password: 'demo-password-1', name: `Buyer ${i}` },
    });
    emails.push(email);
  });
  // A gateway checks a token in Redis when it was issued within 5 s of the ended-sessions set's whole-since mark (which
  // members sets at its start): the set may lack sessions ended just before it. A shop's buyers log in long after
  // that, so the buyers here do too, and every claim's session check is answered from memory as in production.
  await sleep(Math.max(0, (await wholeSince(subgraphs)) + SESSION_MARK_MARGIN_MS - Date.now()));
  const authorizations = await mapLimit(emails, 4, async (email) => {
    const data = await graphqlData(url, 'mutation ($e: String!) { logIn(email: $e, password: "demo-password-1") { ... on Session { accessToken } } }', { e: email });
    return `Bearer ${data.logIn.accessToken}`;
  });
  return { emails, authorizations };
}

/** A time sale of `quantity` units of `variant`, opening in 2 s for an hour, created by the variant's seller. */
export async function createSale(subgraphs: SubgraphsInfo, variant: SeededVariant, quantity: number): Promise<string> {
  const startsAt = new Date(Date.now() + 2_000);
  const data = await graphqlData(
    subgraphs.subgraphUrls.inventory!,
    `mutation ($input: CreateTimeSaleInput!) { createTimeSale(input: $input) { __typename ... on TimeSale { id } ... on ErrorResult { message } } }`,
    { input: { variantId: variant.id, price: 5_000, quantity, startsAt: startsAt.toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), perMemberLimit: BIG } },
    asMember(variant.ownerId, ['CUSTOMER', 'SELLER']),
  );
  if (data.createTimeSale.__typename !== 'TimeSale') throw new Error(`createTimeSale: ${JSON.stringify(data.createTimeSale)}`);
  return data.createTimeSale.id as string;
}
