import { demoId } from '@commerce/demo-data';
import { NUL_CHARACTER_MESSAGE } from '@commerce/kit/http';
import { graphqlData, graphqlRequest } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';
import { type CollectedSubscription, collect, wsClient } from './ws-client.js';

let supergraph: RunningSupergraph;
const ALLOWED_ORIGIN = 'https://shop.example.com';
const MUG = demoId('variant:enamel-mug-white');

beforeAll(async () => {
  supergraph = await startSupergraph('limits', { CORS_ORIGINS: `${ALLOWED_ORIGIN}, https://admin.example.com` });
});
afterAll(() => supergraph?.close());

/** `product { variants { product { … } } }` on a variant: a real cycle in the schema, `levels` fields deep. */
function nestedVariant(levels: number): string {
  const fields: string[] = [];
  for (let level = 0; level < levels - 1; level++) fields.push(level % 2 === 0 ? 'product' : 'variants');
  return fields.reduceRight((inner, field) => `${field} { ${inner} }`, fields.length % 2 === 0 ? 'sku' : 'name');
}

/** The gateway must still serve an ordinary query after refusing a hostile one. */
async function stillServes() {
  const data = await graphqlData(supergraph.gatewayUrl, '{ categories { slug } }');
  expect(data.categories).toHaveLength(3);
}

describe('hostile queries are refused with a code, and the gateway keeps serving', () => {
  it('depth 30 → 400 QUERY_TOO_DEEP', async () => {
    const response = await graphqlRequest(supergraph.gatewayUrl, `query ($id: ID!) { productVariant(id: $id) { ${nestedVariant(29)} } }`, { id: MUG });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(response.errors?.[0]?.extensions?.http).toBeUndefined();
    await stillServes();
  });

  it('1,000 aliases → 400 TOO_MANY_ALIASES', async () => {
    const query = `{ ${Array.from({ length: 1_000 }, (_, i) => `c${i}: categories { slug }`).join(' ')} }`;
    const response = await graphqlRequest(supergraph.gatewayUrl, query);
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('TOO_MANY_ALIASES');
    await stillServes();
  });

  it('a page size that multiplies past the cost limit → 400 QUERY_TOO_COSTLY', async () => {
    const query = 'query ($first: Int) { products(first: $first) { edges { node { name variants { sku price { amount } } } } } }';
    const response = await graphqlRequest(supergraph.gatewayUrl, query, { first: 1_000 });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    // The same query with a modest page is served.
    expect((await graphqlData(supergraph.gatewayUrl, query, { first: 5 })).products.edges.length).toBeGreaterThan(0);
  });

  it('a 5 MB body → 413 PAYLOAD_TOO_LARGE as JSON', async () => {
    const body = JSON.stringify({ query: '{ categories { slug } }', variables: { padding: 'x'.repeat(5 * 1024 * 1024) } });
    const response = await fetch(supergraph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(413);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    await stillServes();
  });

  it('a batch of operations → 400 BAD_REQUEST (one operation per request)', async () => {
    const body = JSON.stringify(Array.from({ length: 100 }, () => ({ query: '{ categories { slug } }' })));
    const response = await fetch(supergraph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
    await stillServes();
  });
});

describe('text with the NUL character (U+0000), which PostgreSQL cannot store', () => {
  /** Operations the members subgraph has served (any outcome), from its own metrics. */
  async function membersOperations(): Promise<number> {
    const metric = await supergraph.subgraphs.members!.metrics.registry.getSingleMetric('graphql_requests_total')!.get();
    return metric.values.reduce((sum, sample) => sum + sample.value, 0);
  }

  it('is refused 400 BAD_USER_INPUT at the edge, on the direct path and the planned one, before any subgraph hears of it', async () => {
    const auth = { authorization: `Bearer ${await supergraph.logIn('alice@demo.commerce')}` };
    const nameOf = async () => (await graphqlData(supergraph.gatewayUrl, '{ me { name } }', {}, auth)).me.name as string;
    const before = await nameOf();
    // Without the direct path every operation is planned and executed by @apollo/gateway.
    const { url: plannedOnly } = await supergraph.startGateway({ DIRECT_FETCH: 'false' });
    const operations: [string, Record<string, unknown>][] = [
      ['mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { name } }', { input: { name: 'Al\u0000ice' } }],
      ['mutation { updateProfile(input: { name: "Al\\u0000ice" }) { name } }', {}],
      ['query ($search: String) { stores(search: $search) { edges { node { name } } } }', { search: '\u0000' }],
    ];
    const served = await membersOperations();
    for (const url of [supergraph.gatewayUrl, plannedOnly]) {
      for (const [query, variables] of operations) {
        const response = await graphqlRequest(url, query, variables, auth);
        expect(response.status, query).toBe(400);
        expect(response.errors).toEqual([{ message: NUL_CHARACTER_MESSAGE, extensions: { code: 'BAD_USER_INPUT' } }]);
      }
    }
    expect(await membersOperations()).toBe(served);
    expect(await nameOf()).toBe(before);
  });
});

describe('browsers', () => {
  const preflight = (origin: string) =>
    fetch(supergraph.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });

  it('gets CORS headers for a configured origin only', async () => {
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const post = await fetch(supergraph.gatewayUrl, {
      method: 'POST',
      headers: { origin: ALLOWED_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ categories { slug } }' }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(post.headers.get('vary')).toMatch(/origin/i);

    const other = await preflight('https://evil.example.net');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('a simple-form POST (no JSON content type, no preflight header) is refused as CSRF', async () => {
    const query = JSON.stringify({ query: '{ categories { slug } }' });
    // A Uint8Array body makes fetch send no content-type at all; text/plain is what an HTML form can send.
    for (const init of [{ body: new TextEncoder().encode(query) }, { body: query, headers: { 'content-type': 'text/plain' } }]) {
      const response = await fetch(supergraph.gatewayUrl, { method: 'POST', ...init });
      expect(response.status).toBe(400);
      const body = (await response.json()) as any;
      expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(body.errors[0].message).toMatch(/CSRF/);
    }
    await stillServes();
  });
});

describe('subscriptions over graphql-ws', () => {
  it('a subscription deeper than the limit is refused with QUERY_TOO_DEEP', async () => {
    const client = wsClient(supergraph.gatewayUrl);
    try {
      const deep = collect(client, `subscription ($ids: [ID!]!) { stockChanged(variantIds: $ids) { variant { ${nestedVariant(20)} } } }`, { ids: [MUG] });
      const deadline = Date.now() + 5_000;
      while (!deep.errors.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(JSON.stringify(deep.errors)).toContain('QUERY_TOO_DEEP');
      expect(deep.events).toEqual([]);
      // The connection stays usable for a subscription within the limits.
      const fine = collect(client, 'subscription ($ids: [ID!]!) { stockChanged(variantIds: $ids) { available } }', { ids: [MUG] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fine.errors).toEqual([]);
      fine.stop();
    } finally {
      await client.dispose();
    }
    await stillServes();
  });

  /** The errors a refused subscription got, once it got them. */
  async function refusal(stream: CollectedSubscription<unknown>): Promise<string> {
    const deadline = Date.now() + 5_000;
    while (!stream.errors.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stream.events).toEqual([]);
    return JSON.stringify(stream.errors);
  }

  it('stockChanged on no variants or on more than 100 is refused with BAD_USER_INPUT, passed on from inventory', async () => {
    const client = wsClient(supergraph.gatewayUrl);
    try {
      const query = 'subscription ($ids: [ID!]!) { stockChanged(variantIds: $ids) { available } }';
      for (const ids of [[], Array.from({ length: 101 }, () => MUG)]) {
        const errors = await refusal(collect(client, query, { ids }));
        expect(errors).toContain('BAD_USER_INPUT');
        expect(errors).toContain('Watch between 1 and 100 variants.');
        expect(errors).not.toContain('UPSTREAM_FAILED');
      }
    } finally {
      await client.dispose();
    }
  });

  it('a subscription with the NUL character in a variable or a literal is refused with BAD_USER_INPUT', async () => {
    const client = wsClient(supergraph.gatewayUrl);
    try {
      const streams = [
        collect(client, 'subscription ($ids: [ID!]!) { stockChanged(variantIds: $ids) { available } }', { ids: [`${MUG}\u0000`] }),
        collect(client, 'subscription { timeSaleChanged(saleId: "\\u0000") { remaining } }'),
      ];
      for (const stream of streams) {
        const errors = await refusal(stream);
        expect(errors).toContain('BAD_USER_INPUT');
        expect(errors).toContain('Text may not contain the NUL character (U+0000).');
      }
    } finally {
      await client.dispose();
    }
  });
});
