import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { LabelCap } from './label-cap.js';
import { createMetrics } from './metrics.js';

describe('LabelCap', () => {
  it('keeps the first distinct values and maps later new ones to "other"', () => {
    const cap = new LabelCap(2);
    expect(['a', 'b', 'c', 'a', 'b', 'd'].map((value) => cap.label(value))).toEqual(['a', 'b', 'other', 'a', 'b', 'other']);
  });
});

describe('Metrics', () => {
  const serve = async (maxOperationNames?: number) => {
    const metrics = createMetrics({ service: 'unit', defaultMetrics: false, maxOperationNames });
    const apollo = new ApolloServer({
      typeDefs: 'type Query { ok: Boolean, fails: Boolean, crashes: Boolean }',
      resolvers: {
        Query: {
          ok: () => true,
          fails: () => {
            throw new GraphQLError('nope', { extensions: { code: 'FORBIDDEN' } });
          },
          crashes: () => {
            throw new Error('boom');
          },
        },
      },
      plugins: [metrics.apolloPlugin()],
    });
    await apollo.start();
    return { metrics, run: (query: string) => apollo.executeOperation({ query }), stop: () => apollo.stop() };
  };
  const sample = async (metrics: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string>) => {
    const metric = (await metrics.registry.getSingleMetric(name)!.get()).values;
    return metric.find((value) => Object.entries(labels).every(([key, v]) => value.labels[key] === v))?.value;
  };

  it('records outcome, latency and error codes per operation, on its own registry', async () => {
    const { metrics, run, stop } = await serve();
    await run('query A { ok }');
    await run('query A { ok }');
    await run('query B { fails crashes }');
    await run('{ ok }');
    await run('query C { missing }');
    expect(await sample(metrics, 'graphql_requests_total', { operation: 'A', outcome: 'ok' })).toBe(2);
    expect(await sample(metrics, 'graphql_requests_total', { operation: 'B', outcome: 'FORBIDDEN' })).toBe(1);
    expect(await sample(metrics, 'graphql_errors_total', { operation: 'B', code: 'FORBIDDEN' })).toBe(1);
    expect(await sample(metrics, 'graphql_errors_total', { operation: 'B', code: 'INTERNAL_SERVER_ERROR' })).toBe(1);
    expect(await sample(metrics, 'graphql_requests_total', { operation: 'anonymous', outcome: 'ok' })).toBe(1);
    expect(await sample(metrics, 'graphql_requests_total', { operation: 'C', outcome: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(await sample(metrics, 'graphql_request_duration_seconds', { operation: 'A', le: '+Inf' } as never)).toBe(2);
    expect(await metrics.registry.metrics()).toContain('service="unit"');
    await stop();
  });

  it('caps operation names', async () => {
    const { metrics, run, stop } = await serve(2);
    for (const name of ['A', 'B', 'C', 'D', 'A']) await run(`query ${name} { ok }`);
    expect(await sample(metrics, 'graphql_requests_total', { operation: 'A', outcome: 'ok' })).toBe(2);
    expect(await sample(metrics, 'graphql_requests_total', { operation: 'other', outcome: 'ok' })).toBe(2);
    await stop();
  });
});
