import { demoId, schemaDiffSql } from '@commerce/kit';
import { asMember, graphqlRequest, type RunningSubgraph, startTestSubgraph } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';

let subgraph: RunningSubgraph;

beforeAll(async () => {
  subgraph = await startTestSubgraph((config) => createApp({ ...config, PASSWORD_HASH_COST: 10 }), 'members', { SEED_DEMO: true });
});
afterAll(() => subgraph?.close());

describe('members subgraph', () => {
  it('resolves Member entities by reference, in one batch, with null for unknown ids', async () => {
    const alice = demoId('member:alice');
    const mina = demoId('member:mina');
    const unknown = '00000000-0000-7000-8000-000000000000';
    const response = await graphqlRequest(
      subgraph.url,
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Member { id name email roles } } }`,
      { reps: [alice, unknown, mina].map((id) => ({ __typename: 'Member', id })) },
      // email is private: only the member themself or an admin reads it.
      asMember('00000000-0000-7000-8000-0000000000ad', ['CUSTOMER', 'ADMIN']),
    );
    expect(response.errors).toBeUndefined();
    expect(response.data._entities).toEqual([
      { id: alice, name: 'Alice Kim', email: 'alice@demo.commerce', roles: ['CUSTOMER'] },
      null,
      { id: mina, name: 'Mina Seo', email: 'mina@demo.commerce', roles: ['CUSTOMER', 'SELLER'] },
    ]);
  });

  it('publishes a Federation 2 SDL with Member as an entity', async () => {
    const response = await graphqlRequest(subgraph.url, '{ _service { sdl } }');
    expect(response.data._service.sdl).toMatch(/type Member\s+@key\(fields: "id"\)/);
    expect(response.data._service.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
  });

  it('answers /health and /ready', async () => {
    const base = subgraph.url.replace('/graphql', '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('keeps its committed migrations in step with its entities', async () => {
    expect(await schemaDiffSql(subgraph.app.orm)).toBe('');
  });
});

describe('identity from the gateway', () => {
  it('refuses a forged identity header sent straight to the subgraph with 401 UNAUTHENTICATED', async () => {
    const forged = Buffer.from(JSON.stringify({ sub: demoId('member:alice'), roles: ['ADMIN'], sid: null, svc: null, iat: Date.now() })).toString('base64url');
    const response = await graphqlRequest(subgraph.url, '{ _service { sdl } }', {}, {
      'x-commerce-identity': forged,
      'x-commerce-identity-signature': 'made-up',
    });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
