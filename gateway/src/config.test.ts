import { describe, expect, it } from 'vitest';
import { readGatewayConfig } from './config.js';

describe('readGatewayConfig', () => {
  it('turns on Sandbox, introspection and supergraph reloading in development only', () => {
    expect(readGatewayConfig({ NODE_ENV: 'development' })).toMatchObject({ LANDING_PAGE: true, INTROSPECTION: true, SUPERGRAPH_WATCH: true });
    expect(readGatewayConfig({ NODE_ENV: 'production' })).toMatchObject({ LANDING_PAGE: false, INTROSPECTION: false, SUPERGRAPH_WATCH: false });
    expect(readGatewayConfig({ NODE_ENV: 'production', LANDING_PAGE: 'true', INTROSPECTION: 'true' })).toMatchObject({
      LANDING_PAGE: true,
      INTROSPECTION: true,
    });
  });

  it('collects subgraph URL overrides by subgraph name', () => {
    expect(readGatewayConfig({ CATALOG_URL: 'http://catalog:4002/graphql' }).subgraphUrls).toEqual({ catalog: 'http://catalog:4002/graphql' });
  });

  it('switches to managed federation only with both Apollo settings', () => {
    expect(readGatewayConfig({ APOLLO_KEY: 'service:x', APOLLO_GRAPH_REF: 'shop@main' }).managedFederation).toBe(true);
    expect(() => readGatewayConfig({ APOLLO_KEY: 'service:x' })).toThrow(/APOLLO_GRAPH_REF/);
  });

  it('names a bad variable', () => {
    expect(() => readGatewayConfig({ PORT: 'eighty', ORDERS_URL: 'nope' })).toThrow(/PORT[\s\S]*ORDERS_URL|ORDERS_URL[\s\S]*PORT/);
  });
});
