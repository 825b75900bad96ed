import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { readGatewayConfig } from './config.js';

describe('readGatewayConfig', () => {
  it('turns on Sandbox, introspection and supergraph reloading in development only', () => {
    expect(readGatewayConfig({ NODE_ENV: 'development' })).toMatchObject({ LANDING_PAGE: true, INTROSPECTION: true, SUPERGRAPH_WATCH: true });
    const secret = { GATEWAY_SHARED_SECRET: 'a-production-secret-of-32-characters-or-more' };
    expect(readGatewayConfig({ NODE_ENV: 'production', ...secret })).toMatchObject({ LANDING_PAGE: false, INTROSPECTION: false, SUPERGRAPH_WATCH: false });
    expect(readGatewayConfig({ NODE_ENV: 'production', LANDING_PAGE: 'true', INTROSPECTION: 'true', ...secret })).toMatchObject({
      LANDING_PAGE: true,
      INTROSPECTION: true,
    });
  });

  it('keeps vendor telemetry off unless asked', () => {
    expect(readGatewayConfig({}).APOLLO_TELEMETRY).toBe(false);
    expect(readGatewayConfig({ APOLLO_TELEMETRY: 'true' }).APOLLO_TELEMETRY).toBe(true);
  });

  it('collects subgraph URL overrides by subgraph name', () => {
    expect(readGatewayConfig({ CATALOG_URL: 'http://catalog:4002/graphql' }).subgraphUrls).toEqual({ catalog: 'http://catalog:4002/graphql' });
  });

  it('switches to managed federation only with both Apollo settings', () => {
    expect(readGatewayConfig({ APOLLO_KEY: 'service:x', APOLLO_GRAPH_REF: 'shop@main' }).managedFederation).toBe(true);
    expect(() => readGatewayConfig({ APOLLO_KEY: 'service:x' })).toThrow(/APOLLO_GRAPH_REF/);
  });

  it("serves single-subgraph operations directly unless Studio's usage reporting is on, which sees only Apollo Server's path", () => {
    const managed = { APOLLO_KEY: 'service:x', APOLLO_GRAPH_REF: 'shop@main' };
    expect(readGatewayConfig({}).DIRECT_FETCH).toBe(true);
    expect(readGatewayConfig({ DIRECT_FETCH: 'false' }).DIRECT_FETCH).toBe(false);
    expect(readGatewayConfig(managed).DIRECT_FETCH).toBe(false);
    expect(readGatewayConfig({ ...managed, DIRECT_FETCH: 'true' }).DIRECT_FETCH).toBe(true);
  });

  it('runs one process unless told how many workers, or `auto` for one per core', () => {
    expect(readGatewayConfig({}).WORKERS).toBe(1);
    expect(readGatewayConfig({ WORKERS: '3' }).WORKERS).toBe(3);
    expect(readGatewayConfig({ WORKERS: 'auto' }).WORKERS).toBe(availableParallelism());
    expect(() => readGatewayConfig({ WORKERS: '0' })).toThrow(/WORKERS/);
    expect(() => readGatewayConfig({ WORKERS: 'many' })).toThrow(/WORKERS/);
  });

  it('refuses the development secret in production', () => {
    expect(() => readGatewayConfig({ NODE_ENV: 'production' })).toThrow(/GATEWAY_SHARED_SECRET/);
  });

  it('names a bad variable', () => {
    expect(() => readGatewayConfig({ PORT: 'eighty', ORDERS_URL: 'nope' })).toThrow(/PORT[\s\S]*ORDERS_URL|ORDERS_URL[\s\S]*PORT/);
  });

  it('reads operation limits and CORS origins, refusing a wildcard', () => {
    expect(readGatewayConfig({})).toMatchObject({
      operationLimits: { maxDepth: 15, maxAliases: 50, maxCost: 5_000 },
      MAX_REQUEST_BYTES: 1024 * 1024,
      CORS_ORIGINS: [],
    });
    expect(readGatewayConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).CORS_ORIGINS).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(() => readGatewayConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
    expect(() => readGatewayConfig({ CORS_ORIGINS: 'https://a.example/app' })).toThrow(/CORS_ORIGINS/);
  });
});
