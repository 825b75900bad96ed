import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { loggingPlugin } from './logging-plugin.js';

/** An Apollo server whose logging plugin writes to `lines`. */
async function serve(level: 'info' | 'debug') {
  const lines: Record<string, any>[] = [];
  const logger = createLogger({ service: 'unit', level, destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  const apollo = new ApolloServer<{ requestId: string }>({
    typeDefs: 'type Query { ok: Boolean, forbidden: Boolean, crashes: Boolean, slow: Boolean }',
    resolvers: {
      Query: {
        ok: () => true,
        forbidden: () => {
          throw new GraphQLError('nope', { extensions: { code: 'FORBIDDEN' } });
        },
        crashes: () => {
          throw new Error('database on fire');
        },
        slow: () => new Promise((resolve) => setTimeout(() => resolve(true), 30)),
      },
    },
    plugins: [loggingPlugin({ logger, slowMs: 20 })],
  });
  await apollo.start();
  const run = (query: string, requestId: string) => apollo.executeOperation({ query }, { contextValue: { requestId } });
  return { lines, run, stop: () => apollo.stop() };
}

describe('loggingPlugin', () => {
  it('logs our failures at error with the request id and cause, slow operations at warn, and nothing per request at info', async () => {
    const { lines, run, stop } = await serve('info');
    await run('query Fine { ok }', 'r-ok');
    await run('query Denied { forbidden }', 'r-denied');
    await run('query Broken { crashes }', 'r-broken');
    await run('query Slow { slow }', 'r-slow');
    expect(lines.map((line) => [line.level, line.requestId, line.operation])).toEqual([
      ['error', 'r-broken', 'Broken'],
      ['warn', 'r-slow', 'Slow'],
    ]);
    expect(lines[0]).toMatchObject({ service: 'unit', code: 'INTERNAL_SERVER_ERROR', err: { message: 'database on fire' } });
    expect(lines[0]!.err.stack).toContain('database on fire');
    await stop();
  });

  it('writes a line per operation at debug', async () => {
    const { lines, run, stop } = await serve('debug');
    await run('query Denied { forbidden }', 'r-1');
    expect(lines).toMatchObject([{ level: 'debug', requestId: 'r-1', operation: 'Denied', codes: ['FORBIDDEN'], msg: 'operation' }]);
    await stop();
  });
});
