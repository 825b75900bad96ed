import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** Helpers for checking ops/ (Prometheus, Grafana) against what the apps really expose. */

export const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
export const read = (path: string) => readFileSync(repo(path), 'utf8');

/**
 * Series only a gateway run as workers exposes (its primary's, about its workers): no app the metrics test starts
 * in-process has them, so gateway-cluster.e2e.test.ts checks that its cluster's scrape does.
 */
export const CLUSTER_SERIES = new Set(['gateway_workers', 'gateway_worker_restarts_total']);

export interface AlertRule {
  alert: string;
  expr: string;
  annotations: { summary: string };
}

/** Every alert rule in ops/prometheus/alerts.yml. */
export const alertRules = (): AlertRule[] =>
  (parse(read('ops/prometheus/alerts.yml')) as { groups: { rules: AlertRule[] }[] }).groups.flatMap((group) => group.rules);

/** PromQL words that are not metric names. */
const PROMQL_WORDS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'topk', 'bottomk', 'quantile', 'stddev', 'group',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'histogram_quantile', 'abs', 'clamp_min', 'clamp_max',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool',
]);

/** The metric names a panel expression reads: what is left once labels, ranges, groupings and functions are removed. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/[a-zA-Z_:][\w:]*/g)].map(([word]) => word).filter((word) => !PROMQL_WORDS.has(word));
}

export interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string }[];
}

/** Every metric name the gateway and the five subgraphs declare on /metrics (histograms with their series). */
export async function exposedNames(urls: string[]): Promise<Set<string>> {
  const names = new Set<string>();
  for (const url of urls) {
    const text = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      names.add(name!);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name! + suffix);
    }
  }
  return names;
}
