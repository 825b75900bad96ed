import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlHttpHandler } from './graphql-http-handler.js';

const typeDefs = 'type Query { hello(name: String!): String! whoami: String }';
const resolvers = {
  Query: {
    hello: (_: unknown, { name }: { name: string }) => `hello ${name}`,
    whoami: (_: unknown, __: unknown, context: { caller: string | null }) => context.caller,
  },
};

let apollo: ApolloServer<{ caller: string | null }>;
let server: Server;
let url: string;
const refused: string[] = [];

beforeAll(async () => {
  apollo = new ApolloServer({ typeDefs, resolvers });
  await apollo.start();
  const handler = graphqlHttpHandler(apollo, {
    maxBodyBytes: 64 * 1024,
    context: async (req) => ({ caller: (req.headers['x-caller'] as string | undefined) ?? null }),
    onRefused: (refusal) => refused.push(`${refusal.status} ${refusal.reason}`),
  });
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await apollo.stop();
  server.close();
});

const post = (body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(url, { method: 'POST', headers, body });
const codeOf = async (response: Response) => ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code;

describe('graphqlHttpHandler', () => {
  it('answers a JSON POST with variables, and a GET, with the context built from the request', async () => {
    const response = await post(JSON.stringify({ query: 'query ($n: String!) { hello(name: $n) whoami }', variables: { n: 'ada' } }), {
      'content-type': 'application/json; charset=utf-8',
      'x-caller': 'member-1',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { hello: 'hello ada', whoami: 'member-1' } });
    const get = await fetch(`${url}?query=${encodeURIComponent('{ hello(name: "get") }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(await get.json()).toEqual({ data: { hello: 'hello get' } });
  });

  it('refuses malformed JSON, oversized and encoded bodies with coded JSON errors, and keeps serving', async () => {
    const malformed = await post('{"query": ');
    expect([malformed.status, await codeOf(malformed)]).toEqual([400, 'BAD_REQUEST']);

    const big = JSON.stringify({ query: '{ whoami }', variables: { pad: 'x'.repeat(200 * 1024) } });
    const tooLarge = await post(big);
    expect([tooLarge.status, await codeOf(tooLarge)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    // Streamed without a declared length: refused while reading.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(16 * 1024)));
        controller.close();
      },
    });
    const streamed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect([streamed.status, await codeOf(streamed)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);

    const gzipped = await post(gzipSync(JSON.stringify({ query: '{ whoami }' })), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect([gzipped.status, await codeOf(gzipped)]).toEqual([415, 'BAD_REQUEST']);
    const latin1 = await post(JSON.stringify({ query: '{ whoami }' }), { 'content-type': 'application/json; charset=latin1' });
    expect(latin1.status).toBe(415);

    expect(refused).toEqual(['400 malformed_json', '413 payload_too_large', '413 payload_too_large', '415 unsupported_encoding', '415 unsupported_encoding']);
    const after = await post(JSON.stringify({ query: '{ hello(name: "still") }' }));
    expect(await after.json()).toEqual({ data: { hello: 'hello still' } });
  });

  it('passes other content types to Apollo with an empty body, where CSRF prevention refuses them', async () => {
    const form = await post(JSON.stringify({ query: '{ whoami }' }), { 'content-type': 'text/plain' });
    expect(form.status).toBe(400);
    expect(await codeOf(form)).toBe('BAD_REQUEST');
  });
});

describe('content types of answers', () => {
  it.each([
    ['application/json', 'application/json; charset=utf-8'],
    ['*/*', 'application/json; charset=utf-8'],
    ['application/graphql-response+json, application/json', 'application/graphql-response+json; charset=utf-8'],
  ])('Accept %s → %s', async (accept, contentType) => {
    const response = await post(JSON.stringify({ query: '{ hello(name: "x") }' }), { 'content-type': 'application/json', accept });
    expect(response.headers.get('content-type')).toBe(contentType);
  });
});
