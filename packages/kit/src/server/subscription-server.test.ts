import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { NUL_CHARACTER_MESSAGE } from '../graphql/nul-character.js';
import { startSubscriptionServer } from './subscription-server.js';

const schema = buildSchema('type Query { ok: Boolean } type Subscription { echo(text: String!): String }');
/** Subscriptions started: a refused one must never reach its resolver (which may query PostgreSQL). */
let started = 0;
(schema.getType('Subscription') as GraphQLObjectType).getFields().echo!.subscribe = async function* (_root, { text }) {
  started++;
  yield { echo: text };
};

const httpServer = createServer();
const subscriptions = startSubscriptionServer({ httpServer, schema, sharedSecret: 'test-secret', context: () => ({}) });
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  await subscriptions.close();
  httpServer.close();
});

/** The subscription's first result, or the errors it was refused with. */
function firstAnswer(query: string, variables: Record<string, unknown> = {}): Promise<{ data?: unknown; errors?: unknown }> {
  const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  return new Promise<{ data?: unknown; errors?: unknown }>((resolve, reject) => {
    client.subscribe(
      { query, variables },
      { next: (result) => resolve({ data: result.data }), error: (errors) => (Array.isArray(errors) ? resolve({ errors }) : reject(errors)), complete: () => {} },
    );
  }).finally(() => client.dispose());
}

describe("a subgraph's subscriptions over WebSocket", () => {
  it('refuse the NUL character (U+0000) in a variable or a literal with BAD_USER_INPUT, before the resolver runs', async () => {
    const refused = { errors: [{ message: NUL_CHARACTER_MESSAGE, extensions: { code: 'BAD_USER_INPUT' } }] };
    expect(await firstAnswer('subscription ($text: String!) { echo(text: $text) }', { text: 'a\u0000b' })).toEqual(refused);
    expect(await firstAnswer('subscription { echo(text: "a\\u0000b") }')).toEqual(refused);
    expect(started).toBe(0);
  });

  it('serve any other text', async () => {
    expect(await firstAnswer('subscription ($text: String!) { echo(text: $text) }', { text: 'a\\u0000b' })).toEqual({ data: { echo: 'a\\u0000b' } });
    expect(started).toBe(1);
  });
});
