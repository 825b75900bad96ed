import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SUBGRAPH_NAMES } from '../src/config.js';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const read = (path: string) => readFileSync(repo(path), 'utf8');

/** PromQL words that are not metric names. */
const PROMQL_WORDS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'topk', 'bottomk', 'quantile', 'stddev', 'group',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'histogram_quantile', 'abs', 'clamp_min', 'clamp_max',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool',
]);

/** The metric names a panel expression reads: what is left once labels, ranges, groupings and functions are removed. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/[a-zA-Z_:][\w:]*/g)].map(([word]) => word).filter((word) => !PROMQL_WORDS.has(word));
}

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string }[];
}

let supergraph: RunningSupergraph;

beforeAll(async () => {
  supergraph = await startSupergraph('dashboard');
});
afterAll(() => supergraph?.close());

/** Every metric name the gateway and the five subgraphs declare on /metrics (histograms with their series). */
async function exposedNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const url of [supergraph.gatewayUrl, ...Object.values(supergraph.subgraphUrls)]) {
    const text = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      names.add(name!);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name! + suffix);
    }
  }
  return names;
}

describe('the monitoring stack', () => {
  it('charts only metrics the apps expose, from the provisioned datasource', async () => {
    const exposed = await exposedNames();
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
