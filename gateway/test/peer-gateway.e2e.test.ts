import { readFile } from 'node:fs/promises';
import { demoId } from '@commerce/demo-data';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { asMember, graphqlData, graphqlRequest } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGatewayConfig } from '../src/config.js';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';

/**
 * An independent federation gateway (Hive Gateway) serving the committed supergraph against the same
 * subgraphs must give the same answers as ours: the subgraphs and the composed SDL follow the spec, not
 * quirks of @apollo/gateway.
 */
let supergraph: RunningSupergraph;
let peer: GatewayRuntime;
let aliceToken: string;

beforeAll(async () => {
  supergraph = await startSupergraph('peer');
  let sdl = await readFile(readGatewayConfig({}).SUPERGRAPH_PATH, 'utf8');
  const composedPorts: Record<string, number> = { members: 4001, catalog: 4002, inventory: 4003, orders: 4004, coupons: 4005 };
  for (const [name, url] of Object.entries(supergraph.subgraphUrls)) {
    sdl = sdl.replace(`http://127.0.0.1:${composedPorts[name]}/graphql`, url);
  }
  // A peer gateway is given the same shared secret by configuration: here it forwards identity headers the
  // test signs with it (as a deployment's auth plugin would), so the subgraphs trust it like ours.
  peer = createGatewayRuntime({
    supergraph: sdl,
    logging: false,
    maskedErrors: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({
        'x-commerce-identity': request.headers.get('x-commerce-identity'),
        'x-commerce-identity-signature': request.headers.get('x-commerce-identity-signature'),
      }),
    },
  });
  const login = await graphqlData(
    supergraph.gatewayUrl,
    'mutation { logIn(email: "alice@demo.commerce", password: "demo-password-1") { ... on Session { accessToken } } }',
  );
  aliceToken = login.logIn.accessToken;
});
afterAll(async () => {
  await peer?.dispose();
  await supergraph?.close();
});

async function askPeer(query: string, variables: Record<string, unknown> = {}) {
  const response = await peer.fetch('http://peer/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...asMember(demoId('member:alice')) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
}

const queries: [string, string, Record<string, unknown>][] = [
  [
    'an order across all five subgraphs',
    `query ($id: ID!) { order(id: $id) { number status buyer { name } coupon { name kind value }
      total { amount currency } lines { quantity variant { sku price { amount } stock { available }
      product { name category { name } store { name owner { name } } } } } } }`,
    { id: demoId('order:alice-1') },
  ],
  [
    'a page of products with stock',
    `{ products(first: 3) { pageInfo { hasNextPage endCursor } edges { cursor node { name brand variants { sku options { name value } stock { onHand reserved } } } } } }`,
    {},
  ],
  [
    'stores with their products',
    `{ stores(first: 5) { edges { node { name owner { name } products(first: 2) { edges { node { name } } } } } } }`,
    {},
  ],
  ['a time-sale with its variant', `query ($id: ID!) { timeSale(id: $id) { quantity remaining status price { amount } variant { sku product { name } } } }`, { id: demoId('timesale:linen-shirt-m') }],
  ['coupon templates', `{ couponTemplates(first: 5) { edges { node { name kind value minOrderAmount { amount } maxDiscount { amount } } } } }`, {}],
];

describe('Hive Gateway on the same supergraph and subgraphs', () => {
  it.each(queries)('returns the same data for %s', async (_label, query, variables) => {
    const ours = await graphqlRequest(supergraph.gatewayUrl, query, variables, { authorization: `Bearer ${aliceToken}` });
    const theirs = await askPeer(query, variables);
    expect(ours.errors).toBeUndefined();
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data).toEqual(ours.data);
  });

  it('reports the same error code for an unknown id', async () => {
    const query = 'query ($id: ID!) { product(id: $id) { name } }';
    const variables = { id: '0190a000-0000-7000-8000-000000000000' };
    const ours = await graphqlRequest(supergraph.gatewayUrl, query, variables);
    const theirs = await askPeer(query, variables);
    expect(ours.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(theirs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
