import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoId } from '@commerce/demo-data';
import { eventually, graphqlData, parseMetrics } from '@commerce/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';
import { wsClient } from './ws-client.js';

let supergraph: RunningSupergraph;
let redis: Redis;
let manifestDir: string;
let trustedUrl: string;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const MUG = demoId('variant:enamel-mug-white');
const CATEGORIES = 'query Categories { categories { slug } }';
const STOCK = 'subscription Stock($ids: [ID!]!) { stockChanged(variantIds: $ids) { variantId } }';

/** A GraphQL POST with a persisted-query extension, as Apollo Client's persisted-query link sends it. */
async function post(url: string, body: Record<string, unknown>) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: any }[] } };
}
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

beforeAll(async () => {
  supergraph = await startSupergraph('persisted');
  redis = new Redis(supergraph.env.config.REDIS_URL);
  manifestDir = mkdtempSync(join(tmpdir(), 'trusted-documents-'));
  const manifest = join(manifestDir, 'manifest.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [
        { id: sha256(CATEGORIES), body: CATEGORIES, name: 'Categories', type: 'query' },
        { id: 'stock-v1', body: STOCK, name: 'Stock', type: 'subscription' },
      ],
    }),
  );
  trustedUrl = (await supergraph.startGateway({ TRUSTED_DOCUMENTS: manifest })).url;
}, 120_000);
afterAll(async () => {
  redis?.disconnect();
  if (manifestDir) rmSync(manifestDir, { recursive: true, force: true });
  await supergraph?.close();
});

describe('automatic persisted queries (APQ)', () => {
  it('register once through one replica, then are served by hash alone through any replica, from Redis', async () => {
    // A query of its own, so no other test has registered it.
    const query = `query Apq${randomUUID().replaceAll('-', '')} { categories { slug } }`;
    const hash = sha256(query);

    const unknown = await post(supergraph.gatewayUrl, { extensions: persisted(hash) });
    expect(unknown.status).toBe(200);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const registered = await post(supergraph.gatewayUrl, { query, extensions: persisted(hash) });
    expect(registered.body.data.categories).toHaveLength(3);
    const key = `${supergraph.env.config.REDIS_KEY_PREFIX}gateway:apq:${hash}`;
    expect(await redis.get(key)).toBe(query);
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(86_400);

    const hit = await post(supergraph.gatewayUrl, { extensions: persisted(hash) });
    expect(hit.body).toEqual(registered.body);
    const replica = await supergraph.startGateway({});
    expect((await post(replica.url, { extensions: persisted(hash) })).body).toEqual(registered.body);
  });

  it('refuses a hash that does not match the text, and another protocol version, with a code', async () => {
    const mismatch = await post(supergraph.gatewayUrl, { query: CATEGORIES, extensions: persisted(sha256('something else')) });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    const version = await post(supergraph.gatewayUrl, { extensions: { persistedQuery: { version: 2, sha256Hash: sha256(CATEGORIES) } } });
    expect(version.status).toBe(400);
    expect(version.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_VERSION_UNSUPPORTED');
  });
});

describe('trusted-documents mode (TRUSTED_DOCUMENTS)', () => {
  it('serves manifest operations by id or by their text, over POST and GET', async () => {
    const byId = await post(trustedUrl, { extensions: persisted(sha256(CATEGORIES)) });
    expect(byId.status).toBe(200);
    expect(byId.body.data.categories).toHaveLength(3);
    const byText = await post(trustedUrl, { query: 'query Categories {\n  categories { slug }\n}' });
    expect(byText.body.data).toEqual(byId.body.data);

    const search = new URLSearchParams({ extensions: JSON.stringify(persisted(sha256(CATEGORIES))) });
    const get = await fetch(`${trustedUrl}?${search}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    expect(((await get.json()) as any).data).toEqual(byId.body.data);
  });

  it('refuses any other text, unknown ids and APQ registration, with a code', async () => {
    const other = await post(trustedUrl, { query: '{ categories { slug name } }' });
    expect(other.status).toBe(400);
    expect(other.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_TRUSTED');

    const unknownId = await post(trustedUrl, { extensions: persisted(sha256('{ categories { name } }')) });
    expect(unknownId.status).toBe(400);
    expect(unknownId.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const query = '{ categories { name } }';
    const register = await post(trustedUrl, { query, extensions: persisted(sha256(query)) });
    expect(register.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(await redis.exists(`${supergraph.env.config.REDIS_KEY_PREFIX}gateway:apq:${sha256(query)}`)).toBe(0);
    expect((await post(trustedUrl, { query })).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_TRUSTED');

    const introspection = await post(trustedUrl, { query: '{ __schema { types { name } } }' });
    expect(introspection.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_TRUSTED');

    // Refused before Apollo Server, and counted there: three untrusted texts, two unknown ids (one a registration).
    const metrics = parseMetrics(await (await fetch(new URL('/metrics', trustedUrl))).text());
    const refusals = (reason: string) => metrics.find((m) => m.name === 'http_refusals_total' && m.labels.reason === reason)?.value;
    expect(refusals('persisted_query_not_trusted')).toBe(3);
    expect(refusals('persisted_query_not_found')).toBe(2);
  });

  it('over graphql-ws: refuses an untrusted subscription, and serves a trusted one by id', { timeout: 30_000 }, async () => {
    const client = wsClient(trustedUrl);
    try {
      const subscribe = (payload: { query: string; variables?: Record<string, unknown>; extensions?: Record<string, unknown> }) => {
        const events: unknown[] = [];
        const errors: unknown[] = [];
        const stop = client.subscribe(payload, {
          next: (result) => (result.errors ? errors.push(result.errors) : events.push(result.data)),
          error: (error) => errors.push(error),
          complete: () => {},
        });
        return { events, errors, stop };
      };
      const refused = subscribe({ query: 'subscription ($ids: [ID!]!) { stockChanged(variantIds: $ids) { available } }', variables: { ids: [MUG] } });
      const unknown = subscribe({ query: '', variables: { ids: [MUG] }, extensions: persisted('no-such-id') });
      const trusted = subscribe({ query: '', variables: { ids: [MUG] }, extensions: persisted('stock-v1') });
      await eventually(() => {
        expect(refused.errors).not.toHaveLength(0);
        expect(unknown.errors).not.toHaveLength(0);
      }, 10_000);
      expect(JSON.stringify(refused.errors)).toContain('PERSISTED_QUERY_NOT_TRUSTED');
      expect(JSON.stringify(unknown.errors)).toContain('PERSISTED_QUERY_NOT_FOUND');

      // The trusted subscription is live: a stock change (made through the other gateway) reaches it. The change is
      // made again until one arrives, as the subscription may not be set up upstream yet.
      const seller = await supergraph.logIn('joon@demo.commerce');
      await eventually(async () => {
        await graphqlData(
          supergraph.gatewayUrl,
          `mutation { adjustStock(variantId: "${MUG}", delta: 1, reason: "trusted documents e2e") { __typename } }`,
          {},
          { authorization: `Bearer ${seller}` },
        );
        await eventually(() => expect(trusted.events).not.toHaveLength(0), 1_000);
      }, 10_000);
      expect(trusted.errors).toEqual([]);
      expect(trusted.events[0]).toEqual({ stockChanged: { variantId: MUG } });
      trusted.stop();
    } finally {
      await client.dispose();
    }
  });
});
