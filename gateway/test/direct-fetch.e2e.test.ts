import { demoId } from '@commerce/demo-data';
import { freePort, parseMetrics } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';

/**
 * The direct path (direct-fetch/) must be invisible: every request is sent to a gateway with it and to one without
 * it (DIRECT_FETCH=false) in front of the same subgraphs, and the answers must match byte for byte, status and
 * content type included. The direct path's counter tells which requests it served.
 */
let supergraph: RunningSupergraph;
let fullPathUrl: string;
let aliceToken: string;
const MUG = demoId('product:enamel-mug');

beforeAll(async () => {
  supergraph = await startSupergraph('direct-fetch');
  fullPathUrl = (await supergraph.startGateway({ DIRECT_FETCH: 'false' })).url;
  aliceToken = await supergraph.logIn('alice@demo.commerce');
}, 120_000);
afterAll(() => supergraph?.close());

interface Answer {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  body: string;
}

async function send(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), retryAfter: response.headers.get('retry-after'), body: await response.text() };
}

async function directServed(url = supergraph.gatewayUrl): Promise<number> {
  const text = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
  return parseMetrics(text)
    .filter((sample) => sample.name === 'gateway_direct_requests_total')
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** Sends the request to both gateways; returns the direct gateway's answer and whether its direct path served it. */
async function compare(body: unknown, headers: Record<string, string> = {}, urls = { direct: supergraph.gatewayUrl, full: fullPathUrl }) {
  const before = await directServed(urls.direct);
  const direct = await send(urls.direct, body, headers);
  const served = (await directServed(urls.direct)) - before;
  const full = await send(urls.full, body, headers);
  expect(direct).toEqual(full);
  return { answer: direct, json: JSON.parse(direct.body), servedDirectly: served === 1 };
}

/** A short document whose fragments, expanded, select `categories { id }` 2^levels times. */
const fragmentBomb = (levels: number) =>
  [
    'query Bomb { ...F0 }',
    ...Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`),
    `fragment F${levels} on Query { categories { id } }`,
  ].join('\n');

describe('the direct path', () => {
  it('serves operations one subgraph answers whole, with the answer the full path gives', async () => {
    const simple = await compare({ query: '{ categories { id name } }' });
    expect(simple.servedDirectly).toBe(true);
    expect(simple.json.data.categories.length).toBeGreaterThan(0);
    expect(simple.answer.contentType).toBe('application/graphql-response+json; charset=utf-8');

    const named = await compare({
      query: `query Categories { categories { id } }
        query Products($first: Int) { products(first: $first) { ...Page } }
        fragment Page on ProductConnection { edges { node { id name ... on Product { description } } } pageInfo { hasNextPage } }`,
      operationName: 'Products',
      variables: { first: 2 },
    });
    expect(named.servedDirectly).toBe(true);
    expect(named.json.data.products.edges).toHaveLength(2);

    const withVariables = await compare({ query: 'query ($id: ID!) { product(id: $id) { id name } }', variables: { id: MUG } });
    expect(withVariables.servedDirectly).toBe(true);
    expect(withVariables.json.data.product.id).toBe(MUG);

    for (const accept of ['application/json', '*/*', 'application/graphql-response+json']) {
      const negotiated = await compare({ query: '{ categories { id } }' }, { accept });
      expect(negotiated.servedDirectly).toBe(true);
    }
  });

  it('passes a subgraph\'s errors on as the gateway does (code, subgraph name, path, data)', async () => {
    const missing = await compare({ query: 'query ($id: ID!) { product(id: $id) { id } }', variables: { id: demoId('product:none') } });
    expect(missing.servedDirectly).toBe(true);
    expect(missing.json.data).toBeNull();
    expect(missing.json.errors[0]).toMatchObject({ path: ['product'], extensions: { serviceName: 'catalog' } });

    const anonymousClaim = await compare({ query: 'mutation { claimTimeSale(saleId: "no-such-sale", quantity: 1, idempotencyKey: "k") { __typename } }' });
    expect(anonymousClaim.servedDirectly).toBe(true);
    expect(anonymousClaim.json.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', serviceName: 'inventory' });

    const signedIn = await compare({ query: '{ me { name email } }' }, { authorization: `Bearer ${aliceToken}` });
    expect(signedIn.servedDirectly).toBe(true);
    expect(signedIn.json.data.me.email).toBe('alice@demo.commerce');
  });

  it('leaves everything else to Apollo Server, with the same answers', async () => {
    const cases: [string, unknown, Record<string, string>?][] = [
      ['two subgraphs', { query: `{ product(id: "${MUG}") { name variants { id stock { available } } } }` }],
      ['a __typename the planner adds at a union', { query: 'mutation { claimTimeSale(saleId: "s", quantity: 1, idempotencyKey: "k") { ... on SoldOut { message } } }' }],
      ['a field the API hides', { query: '{ checkoutVariants(ids: []) { id } }' }],
      ['a syntax error', { query: '{ categories { id ' }],
      ['variables of the wrong type', { query: 'query ($id: ID!) { product(id: $id) { id } }', variables: { id: { not: 'an id' } } }],
      ['a missing variable', { query: 'query ($id: ID!) { product(id: $id) { id } }' }],
      ['an unknown operation name', { query: '{ categories { id } }', operationName: 'Nope' }],
      ['a root __typename (the gateway answers it)', { query: '{ __typename categories { id } }' }],
      ['introspection', { query: '{ __schema { queryType { name } } }' }],
      ['a persisted-query hash without text', { extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }],
      ['an Accept header without JSON', { query: '{ categories { id } }' }, { accept: 'text/html' }],
      ['an expired or forged token', { query: '{ me { name } }' }, { authorization: 'Bearer not-a-token' }],
      ['a batch', [{ query: '{ categories { id } }' }]],
      ['malformed JSON', '{"query": '],
      ['fragments spread twice at each of 20 levels (a million selections expanded)', { query: fragmentBomb(20) }],
    ];
    for (const [label, body, headers] of cases) {
      const { servedDirectly } = await compare(body, headers);
      expect(servedDirectly, label).toBe(false);
    }
  });

  it('answers a failed subgraph call with the same errors and data as the full path', { timeout: 60_000 }, async () => {
    const closed = `http://127.0.0.1:${await freePort()}/graphql`;
    const direct = (await supergraph.startGateway({ CATALOG_URL: closed })).url;
    const full = (await supergraph.startGateway({ CATALOG_URL: closed, DIRECT_FETCH: 'false' })).url;
    const { json, servedDirectly } = await compare({ query: '{ categories { id } }' }, {}, { direct, full });
    expect(servedDirectly).toBe(true);
    expect(json.data).toBeNull();
    expect(json.errors[0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'catalog', serviceName: 'catalog' });
  });

  it('runs the same request plugins: operation limits and rate limits refuse as on the full path', { timeout: 60_000 }, async () => {
    const limited = { RATE_LIMITS: 'updateProfile:member=2/60s', MAX_QUERY_DEPTH: '3' };
    const direct = (await supergraph.startGateway(limited)).url;
    const full = (await supergraph.startGateway({ ...limited, DIRECT_FETCH: 'false' })).url;
    const auth = { authorization: `Bearer ${aliceToken}` };
    const update = { query: 'mutation { updateProfile(input: { name: "Alice" }) { __typename } }' };
    // Both gateways count in the same Redis: two calls pass (directly), the third is refused on either path.
    const first = await send(direct, update, auth);
    const second = await send(direct, update, auth);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await directServed(direct)).toBe(2);
    const refusedDirect = await send(direct, update, auth);
    expect(await directServed(direct)).toBe(3); // refused on the direct path, not handed to Apollo Server
    const refusedFull = await send(full, update, auth);
    expect(refusedDirect.status).toBe(429);
    expect(JSON.parse(refusedDirect.body).errors[0].extensions.code).toBe('RATE_LIMITED');
    // The same answer, but for the seconds left to wait, which may have ticked between the two.
    const waitless = (answer: Answer) => ({
      ...answer,
      retryAfter: answer.retryAfter && 'N',
      body: answer.body.replace(/in \d+s\./, 'in Ns.').replace(/"retryAfterSeconds":\d+/, '"retryAfterSeconds":N'),
    });
    expect(waitless(refusedDirect)).toEqual(waitless(refusedFull));
    expect(refusedDirect.retryAfter).toMatch(/^\d+$/);

    const deep = { query: '{ products(first: 1) { edges { node { variants { id } } } } }' };
    const { json, servedDirectly } = await compare(deep, {}, { direct, full });
    expect(servedDirectly).toBe(false);
    expect(json.errors[0].extensions.code).toBe('QUERY_TOO_DEEP');
  });
});
