import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { Observability } from './observability.js';
import { tracesUrl } from './tracing.js';

const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0', { lazyConnect: true });
afterAll(() => redis.disconnect());

describe('Observability', () => {
  it('registers no instrumentation without an OTLP endpoint', async () => {
    const observability = new Observability('unit', { LOG_LEVEL: 'silent' });
    const send = redis.sendCommand;
    expect(observability.tracing).toBeUndefined();
    expect(observability.aroundRequest()).toBeUndefined();
    expect(observability.traceRedis(redis, 'main').sendCommand).toBe(send);
    expect(observability.apolloPlugins()).toHaveLength(1);
    await observability.close();
  });

  it('wraps Redis and adds the HTTP and operation spans when an endpoint is set', async () => {
    const observability = new Observability('unit', { LOG_LEVEL: 'silent', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    const client = new Redis({ lazyConnect: true });
    const send = client.sendCommand;
    expect(observability.tracing).toBeDefined();
    expect(observability.aroundRequest()).toBeTypeOf('function');
    expect(observability.traceRedis(client, 'main').sendCommand).not.toBe(send);
    expect(observability.apolloPlugins()).toHaveLength(2);
    client.disconnect();
    await observability.close();
  });
});

describe('tracesUrl', () => {
  it('prefers the traces endpoint, else appends /v1/traces to the base endpoint, else is off', () => {
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/otlp/v1/traces' })).toBe(
      'http://tempo:4318/otlp/v1/traces',
    );
    expect(tracesUrl({})).toBeUndefined();
  });
});
