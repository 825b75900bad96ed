import { ApolloServer, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { loggingPlugin } from './logging-plugin.js';

/** An Apollo server whose logging plugin writes to `lines`. */
async function serve(level: 'info' | 'debug', slowMs: number) {
  const lines: Record<string, any>[] = [];
  const logger = createLogger({ service: 'unit', level, destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  const apollo = new ApolloServer<{ requestId: string }>({
    typeDefs: 'type Query { ok: Boolean, forbidden: Boolean, limited: Boolean, crashes: Boolean, crashesThrice: [Boolean], slow: Boolean }',
    resolvers: {
      Query: {
        ok: () => true,
        forbidden: () => {
          throw new GraphQLError('nope', { extensions: { code: 'FORBIDDEN' } });
        },
        limited: () => {
          throw new GraphQLError('slow down', { extensions: { code: 'RATE_LIMITED' } });
        },
        crashes: () => {
          throw new Error('database on fire');
        },
        crashesThrice: () => [1, 2, 3].map(() => new Error('subgraph down')),
        slow: () => new Promise((resolve) => setTimeout(() => resolve(true), 100)),
      },
    },
    plugins: [loggingPlugin({ logger, slowMs })],
  });
  await apollo.start();
  const run = (query: string, requestId: string) => apollo.executeOperation({ query }, { contextValue: { requestId } });
  /** Over HTTP, with a context function that refuses the caller the way an expired token does. */
  const runUnauthenticated = () =>
    apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query: '{ ok }' } },
      context: async () => {
        throw new GraphQLError('Your session has ended.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      },
    });
  return { lines, run, runUnauthenticated, stop: () => apollo.stop() };
}

describe('loggingPlugin', () => {
  it('logs our failures at error with the request id and cause, and nothing per request at info', async () => {
    // No operation counts as slow here, however loaded the machine running the test is.
    const { lines, run, stop } = await serve('info', 60_000);
    await run('query Fine { ok }', 'r-ok');
    await run('query Denied { forbidden }', 'r-denied');
    // Refusals the caller caused (a time-sale burst makes thousands) are not errors of ours.
    await run('query Limited { limited }', 'r-limited');
    await run('query Broken { crashes }', 'r-broken');
    expect(lines.map((line) => [line.level, line.requestId, line.operation])).toEqual([['error', 'r-broken', 'Broken']]);
    expect(lines[0]).toMatchObject({ service: 'unit', code: 'INTERNAL_SERVER_ERROR', err: { message: 'database on fire' } });
    expect(lines[0]!.err.stack).toContain('database on fire');
    await stop();
  });

  it('logs a fault repeated across a list once, with its count, and not a caller refused while building the context', async () => {
    const { lines, run, runUnauthenticated, stop } = await serve('info', 60_000);
    await run('query Outage { crashesThrice }', 'r-outage');
    expect((await runUnauthenticated()).status).toBe(401);
    expect(lines).toMatchObject([{ level: 'error', requestId: 'r-outage', count: 3, msg: 'operation failed: subgraph down' }]);
    await stop();
  });

  it('logs an operation slower than slowMs at warn', async () => {
    const { lines, run, stop } = await serve('info', 50);
    await run('query Slow { slow }', 'r-slow');
    expect(lines).toMatchObject([{ level: 'warn', requestId: 'r-slow', operation: 'Slow', msg: 'slow operation' }]);
    expect(lines[0]!.ms).toBeGreaterThanOrEqual(50);
    await stop();
  });

  it('writes a line per operation at debug', async () => {
    const { lines, run, stop } = await serve('debug', 60_000);
    await run('query Denied { forbidden }', 'r-1');
    expect(lines).toMatchObject([{ level: 'debug', requestId: 'r-1', operation: 'Denied', codes: ['FORBIDDEN'], msg: 'operation' }]);
    await stop();
  });
});
