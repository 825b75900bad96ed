import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Helpers for checking ops/ (Prometheus, Grafana) against what the apps really expose. */

export const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
export const read = (path: string) => readFileSync(repo(path), 'utf8');

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
