import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphqlHttpHandler } from './graphql-http-handler.js';
import {
  BATCH_CONTENT_TYPE,
  BATCH_HEADER,
  type BatchedAnswer,
  BatchFrameReader,
  encodeBatchFrame,
  encodeBatchRequest,
  MAX_BATCHED_CALLS,
} from './subgraph-batch.js';

const typeDefs = 'type Query { hello(name: String!): String! whoami: String slow(ms: Int!): Int! } type Mutation { fail: Int }';
const resolvers = {
  Query: {
    hello: (_: unknown, { name }: { name: string }) => `hello ${name}`,
    whoami: (_: unknown, __: unknown, context: { caller: string | null }) => context.caller,
    slow: async (_: unknown, { ms }: { ms: number }) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ms;
    },
  },
  Mutation: {
    fail: () => {
      throw new Error('boom');
    },
  },
};

let apollo: ApolloServer<{ caller: string | null }>;
const servers: Server[] = [];
let batching: string;
let plain: string;
const contexts: { caller: string | null; requestId: string | undefined }[] = [];

/** Requests wrapped by `around`, and calls wrapped by `aroundCall` (which throws for a call with `x-explode`). */
const wrapped = { requests: 0, calls: 0 };
/** Unexpected failures the handlers reported. */
const reported: string[] = [];

async function serve(batches: boolean): Promise<string> {
  const server = createServer(
    graphqlHttpHandler(apollo, {
      maxBodyBytes: 256 * 1024,
      batches,
      around: (_req, _res, next) => {
        wrapped.requests++;
        next();
      },
      aroundCall: (headers, next) => {
        wrapped.calls++;
        if (headers['x-explode']) throw new Error('the tracer broke');
        return next();
      },
      onError: (error) => reported.push((error as Error).message),
      context: async (req) => {
        const caller = (req.headers['x-caller'] as string | undefined) ?? null;
        contexts.push({ caller, requestId: req.headers['x-request-id'] as string | undefined });
        return { caller };
      },
    }),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

beforeAll(async () => {
  apollo = new ApolloServer({ typeDefs, resolvers });
  await apollo.start();
  batching = await serve(true);
  plain = await serve(false);
});

afterEach(() => {
  // A test that expects a reported failure takes it out of the list.
  expect(reported.splice(0)).toEqual([]);
});

afterAll(async () => {
  await apollo.stop();
  for (const server of servers) server.close();
});

const call = (query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>) => ({
  headers,
  body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
});
/** The frames of a whole answer, in the order they came. */
function framesOf(text: string): { index: number; answer: BatchedAnswer }[] {
  const frames: { index: number; answer: BatchedAnswer }[] = [];
  const reader = new BatchFrameReader((index, answer) => frames.push({ index, answer }));
  expect(reader.push(text)).toBe(true);
  expect(reader.incomplete).toBe(false);
  return frames;
}
/** The answers of a whole answer, by call. */
const answersOf = (text: string) => framesOf(text).sort((a, b) => a.index - b.index).map((frame) => frame.answer);

const postBatch = (url: string, body: string, count = 1) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [BATCH_HEADER]: String(count) }, body });

describe('a batch of calls', () => {
  it('runs each call as if it came alone: its own headers in its context, its own status and body, in order', async () => {
    contexts.length = 0;
    const calls = [
      call('{ whoami }', { 'x-caller': 'member-1', 'x-request-id': 'r1' }),
      call('{ whoami slow(ms: 60) }', { 'x-caller': 'member-2', 'x-request-id': 'r2' }),
      call('{ whoami }'),
      call('{ nope }', { 'x-caller': 'member-3' }),
      call('mutation { fail }', { 'X-Caller': 'member-4' }),
      call('query ($n: String!) { hello(name: $n) }', {}, { n: 'zoë 👋 "quoted"\n' }),
    ];
    const response = await postBatch(batching, encodeBatchRequest(calls), calls.length);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(BATCH_CONTENT_TYPE);
    const text = await response.text();
    const answers = answersOf(text);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 400, 200, 200]);
    // Each answer was sent when it was ready: the slow call's came last.
    expect(framesOf(text).at(-1)!.index).toBe(1);
    const bodies = answers.map((answer) => JSON.parse(answer.text));
    expect(bodies[0]).toEqual({ data: { whoami: 'member-1' } });
    expect(bodies[1]).toEqual({ data: { whoami: 'member-2', slow: 60 } });
    expect(bodies[2]).toEqual({ data: { whoami: null } });
    expect(bodies[3].errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(bodies[4].errors[0].message).toBe('boom');
    expect(bodies[5]).toEqual({ data: { hello: 'hello zoë 👋 "quoted"\n' } });
    expect(answers.every((answer) => answer.contentType.startsWith('application/json'))).toBe(true);
    expect(contexts.map((context) => context.caller).sort()).toEqual(['member-1', 'member-2', 'member-3', 'member-4', null, null].sort());
    expect(contexts.filter((context) => context.requestId).map((context) => context.requestId).sort()).toEqual(['r1', 'r2']);
  });

  it('wraps each call, not the batch, in aroundCall; a call whose wrapper fails is a coded 500 and the others are served', async () => {
    wrapped.requests = 0;
    wrapped.calls = 0;
    const response = await postBatch(batching, encodeBatchRequest([call('{ whoami }', { 'x-caller': 'a' }), call('{ whoami }', { 'x-explode': '1' })]), 2);
    const answers = answersOf(await response.text());
    expect(answers.map((answer) => answer.status)).toEqual([200, 500]);
    expect(JSON.parse(answers[1]!.text).errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(wrapped).toEqual({ requests: 0, calls: 2 });
    expect(reported.splice(0)).toEqual(['the tracer broke']);
    // Where batches are not served (the gateway), a request with the header is an ordinary one, and is wrapped.
    await postBatch(plain, encodeBatchRequest([call('{ whoami }')]));
    expect(wrapped.requests).toBe(1);
    expect(() => graphqlHttpHandler(apollo, { maxBodyBytes: 1024, batches: true, inspect: () => {}, context: async () => ({ caller: null }) })).toThrow(
      /inspect/,
    );
  });

  it('refuses what is not a batch with a coded error and keeps serving', async () => {
    const notArray = await postBatch(batching, JSON.stringify({ query: '{ whoami }' }));
    const badHeaders = await postBatch(batching, JSON.stringify([{ headers: { 'x-caller': 7 }, body: { query: '{ whoami }' } }]));
    const empty = await postBatch(batching, '[]');
    const tooMany = await postBatch(batching, encodeBatchRequest(Array.from({ length: MAX_BATCHED_CALLS + 1 }, () => call('{ whoami }'))));
    for (const response of [notArray, badHeaders, empty, tooMany]) {
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
    }
    const after = await postBatch(batching, encodeBatchRequest([call('{ whoami }', { 'x-caller': 'ok' })]));
    expect(JSON.parse(answersOf(await after.text())[0]!.text)).toEqual({ data: { whoami: 'ok' } });
  });

  it('is not served where batches are not enabled (the gateway): Apollo Server sees an ordinary request', async () => {
    const response = await postBatch(plain, encodeBatchRequest([call('{ whoami }', { 'x-caller': 'forged' }), call('{ whoami }')]), 2);
    expect(response.headers.get('content-type')).not.toBe(BATCH_CONTENT_TYPE);
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('forged');
  });
});

describe('the frames of a batch answer', () => {
  const answers: BatchedAnswer[] = [
    { status: 200, contentType: 'application/json; charset=utf-8', text: '{"data":{"a":"👋 zoë\\n"}}\n' },
    { status: 400, contentType: 'application/json', text: '' },
    { status: 200, contentType: 'application/json', text: '{"errors":[]}' },
  ];
  const text = encodeBatchFrame(2, answers[0]!) + encodeBatchFrame(0, answers[1]!) + encodeBatchFrame(1, answers[2]!);

  it('are read back whole however the text is cut into pieces', () => {
    for (const size of [1, 2, 7, text.length]) {
      const frames: [number, BatchedAnswer][] = [];
      const reader = new BatchFrameReader((index, answer) => frames.push([index, answer]));
      for (let at = 0; at < text.length; at += size) expect(reader.push(text.slice(at, at + size))).toBe(true);
      expect(frames).toEqual([
        [2, answers[0]],
        [0, answers[1]],
        [1, answers[2]],
      ]);
      expect(reader.incomplete).toBe(false);
    }
  });

  it('are read back from an answer of many pieces, however long', () => {
    const big = { status: 200, contentType: 'application/json', text: `{"data":"${'é'.repeat(4 * 1024 * 1024)}"}` };
    const whole = encodeBatchFrame(0, big) + encodeBatchFrame(1, answers[2]!);
    const frames: BatchedAnswer[] = [];
    const reader = new BatchFrameReader((_, answer) => frames.push(answer));
    for (let at = 0; at < whole.length; at += 16 * 1024) expect(reader.push(whole.slice(at, at + 16 * 1024))).toBe(true);
    expect(frames).toEqual([big, answers[2]]);
  });

  it('tell a broken-off answer and text that is not frames', () => {
    const cut = new BatchFrameReader(() => {});
    expect(cut.push(text.slice(0, -2))).toBe(true);
    expect(cut.incomplete).toBe(true);
    expect(new BatchFrameReader(() => {}).push('{"data":{}}\n')).toBe(false);
    expect(new BatchFrameReader(() => {}).push('<html>'.repeat(500))).toBe(false);
    expect(new BatchFrameReader(() => {}).push('0 200 -1 application/json\n')).toBe(false);
    // A length past what any answer may have is refused at its first line, before anything is gathered.
    expect(new BatchFrameReader(() => {}).push('0 200 99999999999 application/json\n{')).toBe(false);
  });
});
