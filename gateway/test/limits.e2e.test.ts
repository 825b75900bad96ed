import { demoId } from '@commerce/demo-data';
import { graphqlData, graphqlRequest } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';
import { collect, wsClient } from './ws-client.js';

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
});
