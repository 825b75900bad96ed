import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { buildSchema, GraphQLError, type GraphQLFieldMap, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from '../metrics/metrics.js';
import { createFormatError } from '../errors/format-error.js';
import { DirectExecution } from './direct-execution.js';
import { graphqlHttpHandler } from './graphql-http-handler.js';
import { BATCH_HEADER, type BatchedAnswer, BatchFrameReader, encodeBatchRequest } from './subgraph-batch.js';

type Context = { caller: string | null };

const schema = buildSchema(`
  type Query { hello(name: String!): String! whoami: String fail: Int coded: Int }
  type Mutation { add(n: Int!): Int! }
  type Subscription { ticks: Int }
`);
const fields = (type: string) => (schema.getType(type) as GraphQLObjectType).getFields() as GraphQLFieldMap<unknown, Context>;
/** Mutations executed: the direct path must never run one and then hand the call to Apollo Server. */
let executed = 0;
fields('Query').hello!.resolve = (_, { name }) => `hello ${name}`;
fields('Query').whoami!.resolve = (_, __, context) => context.caller;
fields('Query').fail!.resolve = () => {
  throw new Error('connection refused by 10.0.0.7');
};
fields('Query').coded!.resolve = () => {
  throw new GraphQLError('Not yours.', { extensions: { code: 'FORBIDDEN' } });
};
fields('Mutation').add!.resolve = (_, { n }) => {
  executed += 1;
  return (n as number) * 2;
};

/** What the plugins' request hooks saw, per server: hook, operation name, caller, error codes. */
const seen: Record<'direct' | 'apollo', string[]> = { direct: [], apollo: [] };
const recording = (server: 'direct' | 'apollo'): ApolloServerPlugin<Context> => ({
  async requestDidStart({ contextValue }) {
    const log = (hook: string, details = '') => seen[server].push(`${hook} ${contextValue.caller} ${details}`.trim());
    log('requestDidStart');
    return {
      async didResolveOperation({ operationName, request }) {
        log('didResolveOperation', `${operationName} ${request.operationName}`);
      },
      async didEncounterErrors({ errors }) {
        log('didEncounterErrors', errors.map((error) => errorCode(error)).join());
      },
      async willSendResponse({ errors, operationName }) {
        log('willSendResponse', `${operationName} ${(errors ?? []).map((error) => errorCode(error)).join()}`);
      },
    };
  },
});

const formatError = createFormatError({ exposeInternalErrors: false, log: () => {} });
let served = 0;
const direct = new DirectExecution<Context>({
  schema,
  plugins: [recording('direct')],
  formatError,
  includeStacktraceInErrorResponses: false,
  onServed: () => served++,
});
const apollos: ApolloServer<Context>[] = [];
const servers: Server[] = [];
const urls = { direct: '', apollo: '' };

async function serve(name: 'direct' | 'apollo'): Promise<string> {
  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    plugins: [recording(name), ...(name === 'direct' ? [direct.recorder()] : [])],
  });
  await apollo.start();
  apollos.push(apollo);
  const server = createServer(
    graphqlHttpHandler(apollo, {
      maxBodyBytes: 256 * 1024,
      batches: true,
      ...(name === 'direct' ? { direct } : {}),
      context: async (req) => ({ caller: (req.headers['x-caller'] as string | undefined) ?? null }),
    }),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

beforeAll(async () => {
  urls.direct = await serve('direct');
  urls.apollo = await serve('apollo');
});
afterAll(async () => {
  for (const apollo of apollos) await apollo.stop();
  for (const server of servers) server.close();
});

/** A batch's answers, by call. */
async function batch(url: string, calls: { headers: Record<string, string>; body: string }[]): Promise<BatchedAnswer[]> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [BATCH_HEADER]: String(calls.length) },
    body: encodeBatchRequest(calls),
  });
  const answers: BatchedAnswer[] = [];
  const reader = new BatchFrameReader((index, answer) => (answers[index] = answer));
  expect(reader.push(await response.text())).toBe(true);
  return answers;
}

const call = (body: Record<string, unknown>, headers: Record<string, string> = {}) => ({
  headers: { 'content-type': 'application/json', accept: 'application/json', 'x-caller': 'ada', ...headers },
  body: JSON.stringify(body),
});
const HELLO = 'query Hello($name: String!) { hello(name: $name) }';
const CALLS = {
  query: call({ query: HELLO, variables: { name: 'ada' } }),
  namedAsSent: call({ query: HELLO, variables: { name: 'bob' }, operationName: 'Hello' }),
  caller: call({ query: '{ whoami }' }, { 'x-caller': 'grace' }),
  unexpectedError: call({ query: 'query Fail { fail }' }),
  codedError: call({ query: 'query Coded { coded }' }),
  mutation: call({ query: 'mutation Add($n: Int!) { add(n: $n) }', variables: { n: 2 } }),
  badVariables: call({ query: HELLO, variables: { name: 5 } }),
  otherOperationName: call({ query: HELLO, variables: { name: 'ada' }, operationName: 'Other' }),
  invalid: call({ query: '{ nope }' }),
  otherAccept: call({ query: HELLO, variables: { name: 'ada' } }, { accept: 'application/graphql-response+json' }),
  inlineTrace: call({ query: HELLO, variables: { name: 'ada' } }, { 'apollo-federation-include-trace': 'ftv1' }),
  subscription: call({ query: 'subscription { ticks }' }),
  // Refused by Apollo Server's CSRF prevention: a mutation that must not run on either path.
  notJson: call({ query: 'mutation Add($n: Int!) { add(n: $n) }', variables: { n: 3 } }, { 'content-type': 'text/plain' }),
  // Too long a text to remember.
  long: call({ query: `{ whoami }\n#${'x'.repeat(70_000)}` }),
};
const DIRECT = ['query', 'namedAsSent', 'caller', 'unexpectedError', 'codedError', 'mutation'];

describe("a batch's calls on the direct path", () => {
  it('are answered byte for byte as Apollo Server answers them, with the same plugin hooks, once Apollo has validated their text', async () => {
    const calls = Object.values(CALLS);
    // First pass: every text is new, so both servers take Apollo Server's path (and the direct one learns the texts).
    const first = { direct: await batch(urls.direct, calls), apollo: await batch(urls.apollo, calls) };
    expect(served).toBe(0);
    expect(first.direct).toEqual(first.apollo);
    seen.direct.length = 0;
    seen.apollo.length = 0;

    const executedBefore = executed;
    const second = { direct: await batch(urls.direct, calls), apollo: await batch(urls.apollo, calls) };
    expect(served).toBe(DIRECT.length);
    expect(second.direct).toEqual(second.apollo);
    // The mutation ran once per server: the direct path never hands a call it has started to Apollo Server.
    expect(executed - executedBefore).toBe(2);
    // The plugins saw the same: hooks, operation names, callers and error codes (batches run their calls at once,
    // so compare them in order).
    expect([...seen.direct].sort()).toEqual([...seen.apollo].sort());
    expect(seen.direct).toEqual(expect.arrayContaining(['didResolveOperation ada Coded undefined', 'didEncounterErrors ada FORBIDDEN', 'willSendResponse ada Hello']));

    const answers = Object.fromEntries(Object.keys(CALLS).map((name, index) => [name, second.direct[index]!]));
    expect(answers.query).toEqual({ status: 200, contentType: 'application/json; charset=utf-8', text: '{"data":{"hello":"hello ada"}}\n' });
    expect(answers.caller!.text).toBe('{"data":{"whoami":"grace"}}\n');
    expect(JSON.parse(answers.unexpectedError!.text).errors).toEqual([
      { message: 'Internal server error', locations: [{ line: 1, column: 14 }], path: ['fail'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(JSON.parse(answers.codedError!.text).errors[0].extensions).toEqual({ code: 'FORBIDDEN' });
    expect(answers.badVariables!.status).toBe(400);
  });
});
