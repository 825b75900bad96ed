import { demoId } from '@commerce/demo-data';
import { graphqlData, graphqlRequest, type MetricSample, parseMetrics } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';
import { collect, wsClient } from './ws-client.js';

let supergraph: RunningSupergraph;

beforeAll(async () => {
  supergraph = await startSupergraph('metrics');
});
afterAll(() => supergraph?.close());


/** A sample's value; 0 when the series does not exist yet. */
function value(samples: MetricSample[], name: string, labels: Record<string, string>): number {
  return samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, v]) => sample.labels[key] === v))?.value ?? 0;
}

async function scrape(url = supergraph.gatewayUrl): Promise<MetricSample[]> {
  const response = await fetch(url.replace(/\/graphql$/, '/metrics'));
  expect(response.status).toBe(200);
  return parseMetrics(await response.text());
}

const fetches = (samples: MetricSample[], subgraph: string) =>
  value(samples, 'gateway_subgraph_fetch_duration_seconds_count', { subgraph, outcome: 'ok' });

async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('gateway GET /metrics', () => {
  it('counts a query by operation name and times the fetches to the subgraphs its plan touched', async () => {
    const before = await scrape();
    const data = await graphqlData(
      supergraph.gatewayUrl,
      `query MetricsStock($id: ID!) { productVariant(id: $id) { sku stock { available } } }`,
      { id: demoId('variant:enamel-mug-white') },
    );
    expect(data.productVariant.sku).toBe('JG-EM-WHT');
    const after = await scrape();

    expect(value(after, 'graphql_requests_total', { service: 'gateway', operation: 'MetricsStock', outcome: 'ok' })).toBe(1);
    expect(value(after, 'graphql_request_duration_seconds_count', { service: 'gateway', operation: 'MetricsStock' })).toBe(1);
    expect(fetches(after, 'catalog') - fetches(before, 'catalog')).toBe(1);
    expect(fetches(after, 'inventory') - fetches(before, 'inventory')).toBe(1);
    expect(fetches(after, 'members') - fetches(before, 'members')).toBe(0);
    expect(fetches(after, 'orders') - fetches(before, 'orders')).toBe(0);

    // The subgraph counted the gateway's fetch under the gateway's own operation name on its own registry.
    const catalog = await scrape(supergraph.subgraphUrls.catalog);
    expect(value(catalog, 'graphql_requests_total', { service: 'catalog', operation: 'MetricsStock__catalog__0', outcome: 'ok' })).toBe(1);
  });

  it('counts a failing operation under its error code', async () => {
    const response = await graphqlRequest(supergraph.gatewayUrl, `query MetricsInvalid { noSuchField }`);
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const samples = await scrape();
    expect(value(samples, 'graphql_requests_total', { operation: 'MetricsInvalid', outcome: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(value(samples, 'graphql_errors_total', { operation: 'MetricsInvalid', code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
  });

  it('shows a graphql-ws subscription in the connection and subscription gauges, and drops it when it ends', async () => {
    const gauges = (samples: MetricSample[]) => ({
      connections: value(samples, 'gateway_websocket_connections', {}),
      subscriptions: value(samples, 'gateway_subscriptions_active', {}),
      upstream: value(samples, 'gateway_upstream_subscriptions', {}),
    });
    expect(gauges(await scrape())).toEqual({ connections: 0, subscriptions: 0, upstream: 0 });

    const client = wsClient(supergraph.gatewayUrl);
    const query = `subscription ($ids: [ID!]!) { stockChanged(variantIds: $ids) { variantId available } }`;
    const ids = [demoId('variant:enamel-mug-white')];
    const first = collect(client, query, { ids });
    const second = collect(client, query, { ids });
    await until(() => supergraph.gateway.subscriptions.stats.subscribers === 2);
    expect(gauges(await scrape())).toEqual({ connections: 1, subscriptions: 2, upstream: 1 });

    first.stop();
    second.stop();
    await client.dispose();
    await until(async () => {
      const now = gauges(await scrape());
      return now.connections === 0 && now.subscriptions === 0 && now.upstream === 0;
    });
  });
});
