import { demoId } from '@commerce/demo-data';
import { freePort, graphqlData, graphqlRequest, type MetricSample, metricValue, parseMetrics, TEST_GATEWAY_SECRET } from '@commerce/testkit';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createGatewayApp } from '../src/app.js';
import { readGatewayConfig, SUBGRAPH_NAMES } from '../src/config.js';
import { alertRules, CLUSTER_SERIES, exposedNames, metricNames, type Panel, read, repo } from './monitoring-config.js';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';
import { collect, wsClient } from './ws-client.js';

let supergraph: RunningSupergraph;

beforeAll(async () => {
  supergraph = await startSupergraph('metrics');
});
afterAll(() => supergraph?.close());


/** A sample's value; 0 when the series does not exist yet. */
function value(samples: MetricSample[], name: string, labels: Record<string, string>): number {
  return metricValue(samples, name, labels) ?? 0;
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
    // Inventory opens its pub/sub subscriber connection for the upstream subscription; its gauge shows it once ready.
    await until(async () => {
      const inventory = await scrape(supergraph.subgraphUrls.inventory);
      return value(inventory, 'redis_client_connected', { service: 'inventory', client: 'pubsub-subscriber' }) === 1;
    });
    const inventory = await scrape(supergraph.subgraphUrls.inventory);
    expect(value(inventory, 'redis_client_commands_queued', { client: 'pubsub-subscriber', queue: 'offline' })).toBe(0);

    first.stop();
    second.stop();
    await client.dispose();
    await until(async () => {
      const now = gauges(await scrape());
      return now.connections === 0 && now.subscriptions === 0 && now.upstream === 0;
    });
  });

  it('counts bodies refused before GraphQL by reason, and reports the sessions Redis client', async () => {
    const before = await scrape();
    const tooLarge = await fetch(supergraph.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }`, padding: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(tooLarge.status).toBe(413);
    const malformed = await fetch(supergraph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(malformed.status).toBe(400);
    const after = await scrape();
    const refusals = (samples: MetricSample[], reason: string) => value(samples, 'http_refusals_total', { service: 'gateway', reason });
    expect(refusals(after, 'payload_too_large') - refusals(before, 'payload_too_large')).toBe(1);
    expect(refusals(after, 'malformed_json') - refusals(before, 'malformed_json')).toBe(1);
    expect(value(after, 'redis_client_connected', { service: 'gateway', client: 'sessions' })).toBe(1);
    expect(after.some((sample) => sample.name === 'redis_client_commands_queued' && sample.labels.client === 'sessions' && sample.labels.queue === 'offline')).toBe(true);
  });

  it('serves /metrics only on METRICS_PORT when it is set', async () => {
    const metricsPort = await freePort();
    const gateway = await createGatewayApp(
      readGatewayConfig({
        NODE_ENV: 'test',
        GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
        REDIS_URL: supergraph.env.config.REDIS_URL,
        REDIS_KEY_PREFIX: supergraph.env.config.REDIS_KEY_PREFIX,
        METRICS_PORT: String(metricsPort),
        ...Object.fromEntries(Object.entries(supergraph.subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url])),
      }),
    );
    try {
      const url = await gateway.listen(0);
      expect(gateway.metricsUrl).toBe(`http://127.0.0.1:${metricsPort}/metrics`);
      await graphqlData(url, `query OperatorPort { __typename }`);
      expect((await fetch(url.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
      const response = await fetch(gateway.metricsUrl!);
      expect(response.status).toBe(200);
      const samples = parseMetrics(await response.text());
      expect(value(samples, 'graphql_requests_total', { service: 'gateway', operation: 'OperatorPort', outcome: 'ok' })).toBe(1);
    } finally {
      await gateway.close();
    }
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });
});

describe('the monitoring stack', () => {
  it('charts only metrics the apps expose, from the provisioned datasource', async () => {
    const exposed = await exposedNames([supergraph.gatewayUrl, ...Object.values(supergraph.subgraphUrls)]);
    const dashboard = JSON.parse(read('ops/grafana/dashboards/supergraph.json')) as { panels: Panel[] };
    const datasources = parse(read('ops/grafana/provisioning/datasources/prometheus.yml')).datasources as { uid: string }[];
    const charts = dashboard.panels.filter((panel) => panel.type !== 'row');
    expect(charts.length).toBeGreaterThanOrEqual(10);
    const used = new Set<string>();
    for (const panel of charts) {
      expect(datasources.map((source) => source.uid)).toContain(panel.datasource?.uid);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets!) {
        const names = metricNames(expr);
        expect(names.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
        for (const name of names) {
          expect(exposed.has(name), `${panel.title} uses ${name}, which no app exposes`).toBe(true);
          used.add(name);
        }
      }
    }
    // The three views the operators asked for are there.
    for (const name of ['graphql_requests_total', 'gateway_subgraph_fetch_duration_seconds_bucket', 'time_sale_claims_total', 'time_sale_stream_entries', 'gateway_websocket_connections', 'gateway_subscriptions_active', 'gateway_upstream_subscriptions']) {
      expect(used).toContain(name);
    }
  });

  it('alerts only on metrics the apps expose, with rules Prometheus is pointed at', async () => {
    const exposed = await exposedNames([supergraph.gatewayUrl, ...Object.values(supergraph.subgraphUrls)]);
    // Prometheus's own series about each target.
    const PROMETHEUS_SERIES = new Set(['up']);
    const rules = alertRules();
    expect(rules.length).toBeGreaterThanOrEqual(8);
    for (const rule of rules) {
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      const names = metricNames(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      for (const name of names) {
        const known = exposed.has(name) || PROMETHEUS_SERIES.has(name) || CLUSTER_SERIES.has(name);
        expect(known, `${rule.alert} uses ${name}, which no app exposes`).toBe(true);
      }
    }
    // The alerts that watch the time-sales, checkouts and outboxes are there.
    const watched = new Set(rules.flatMap((rule) => metricNames(rule.expr)));
    for (const name of ['time_sale_stream_stalled_sales', 'time_sale_drifting_sales', 'checkout_saga_oldest_unfinished_seconds', 'outbox_messages', 'gateway_worker_restarts_total']) {
      expect(watched).toContain(name);
    }
    const prometheus = parse(read('ops/prometheus/prometheus.yml')) as { rule_files: string[] };
    const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, { volumes?: string[] }> };
    const mounted = compose.services.prometheus!.volumes!.map((volume) => volume.split(':'));
    for (const file of prometheus.rule_files) expect(mounted.find(([, inside]) => inside === file)?.[0]).toBe('./ops/prometheus/alerts.yml');
  });

  it('has Prometheus scrape the gateway and every subgraph where docker-compose serves them', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { environment?: Record<string, string>; volumes?: string[] }>;
    };
    const prometheus = parse(read('ops/prometheus/prometheus.yml')) as { scrape_configs: { static_configs: { targets: string[] }[] }[] };
    const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((config) => config.targets));
    const apps = ['gateway', ...SUBGRAPH_NAMES];
    expect(targets.sort()).toEqual(apps.map((name) => `${name}:${compose.services[name]!.environment!.PORT}`).sort());
    // The files the monitoring services mount exist in the repository.
    for (const service of ['prometheus', 'grafana']) {
      const mounts = compose.services[service]!.volumes!.filter((volume) => volume.startsWith('./'));
      expect(mounts.length).toBeGreaterThan(0);
      for (const mount of mounts) expect(existsSync(repo(mount.split(':')[0]!)), mount).toBe(true);
    }
  });
});
