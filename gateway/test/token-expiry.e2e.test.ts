import { demoId } from '@commerce/demo-data';
import { graphqlData } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';
import { collect, wsClient } from './ws-client.js';

let supergraph: RunningSupergraph;

beforeAll(async () => {
  // Access tokens that live two seconds, so expiry can be watched.
  supergraph = await startSupergraph('expiry', {}, { ACCESS_TOKEN_TTL_SECONDS: 2 });
});
afterAll(() => supergraph?.close());

describe('a subscription connection', () => {
  it('is closed with 4401 when its access token expires', async () => {
    const login = await graphqlData(
      supergraph.gatewayUrl,
      'mutation { logIn(email: "alice@demo.commerce", password: "demo-password-1") { ... on Session { accessToken } } }',
    );
    const client = wsClient(supergraph.gatewayUrl, { authorization: `Bearer ${login.logIn.accessToken}` });
    const stream = collect(client, 'subscription ($ids: [ID!]!) { stockChanged(variantIds: $ids) { available } }', {
      ids: [demoId('variant:enamel-mug-white')],
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stream.errors).toEqual([]);
    await expect(stream.waitFor(() => false, 4_000)).rejects.toThrow(/4401/);
    await client.dispose();
  });
});
