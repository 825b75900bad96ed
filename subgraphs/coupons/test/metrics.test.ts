import { demoId } from '@commerce/kit';
import { graphqlData, graphqlRequest, type MetricSample, metricValue, parseMetrics, type RunningSubgraph, startTestSubgraph } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';

let subgraph: RunningSubgraph;

beforeAll(async () => {
  subgraph = await startTestSubgraph(createApp, 'coupons-metrics', { SEED_DEMO: true });
});
afterAll(() => subgraph?.close());


const value = metricValue;

async function scrape(): Promise<{ status: number; contentType: string; samples: MetricSample[] }> {
  const response = await fetch(subgraph.url.replace(/\/graphql$/, '/metrics'));
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', samples: parseMetrics(await response.text()) };
}

const TEMPLATE = `query MetricsTemplate($id: ID!) { couponTemplate(id: $id) { id name } }`;

describe('GET /metrics', () => {
  it('counts operations by name and outcome, times them, and counts errors by extensions.code', async () => {
    await graphqlData(subgraph.url, TEMPLATE, { id: demoId('coupon:welcome') });
    await graphqlData(subgraph.url, TEMPLATE, { id: demoId('coupon:ten-percent') });
    const failing = await graphqlRequest(subgraph.url, `query MetricsBadId($id: ID!) { couponTemplate(id: $id) { id } }`, { id: 'not-a-uuid' });
    expect(failing.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await graphqlData(subgraph.url, `{ couponTemplate(id: "${demoId('coupon:welcome')}") { id } }`);

    const { status, contentType, samples } = await scrape();
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain/);
    expect(value(samples, 'graphql_requests_total', { service: 'coupons', operation: 'MetricsTemplate', outcome: 'ok' })).toBe(2);
    expect(value(samples, 'graphql_requests_total', { operation: 'MetricsTemplate', outcome: 'BAD_USER_INPUT' })).toBeUndefined();
    expect(value(samples, 'graphql_requests_total', { operation: 'MetricsBadId', outcome: 'BAD_USER_INPUT' })).toBe(1);
    expect(value(samples, 'graphql_requests_total', { operation: 'anonymous', outcome: 'ok' })).toBe(1);
    expect(value(samples, 'graphql_errors_total', { operation: 'MetricsBadId', code: 'BAD_USER_INPUT' })).toBe(1);
    expect(value(samples, 'graphql_request_duration_seconds_count', { operation: 'MetricsTemplate' })).toBe(2);
    expect(value(samples, 'graphql_request_duration_seconds_bucket', { operation: 'MetricsTemplate', le: '+Inf' })).toBe(2);
    expect(value(samples, 'graphql_request_duration_seconds_sum', { operation: 'MetricsTemplate' })).toBeGreaterThan(0);
  });

  it('reports the database pool and the default process metrics', async () => {
    const { samples } = await scrape();
    expect(value(samples, 'db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(0);
    expect(value(samples, 'db_pool_connections', { state: 'used' })).toBeGreaterThanOrEqual(0);
    expect(value(samples, 'db_pool_waiting', {})).toBe(0);
    expect(value(samples, 'db_pool_max', {})).toBe(subgraph.env.config.DB_POOL_MAX);
    expect(value(samples, 'process_cpu_user_seconds_total', { service: 'coupons' })).toBeGreaterThan(0);
    expect(value(samples, 'nodejs_heap_size_used_bytes', { service: 'coupons' })).toBeGreaterThan(0);
  });
});
