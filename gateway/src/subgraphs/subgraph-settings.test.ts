import { describe, expect, it } from 'vitest';
import { readGatewayConfig } from '../config.js';

describe('subgraph settings', () => {
  it('reads per-subgraph timeouts over the global one, and refuses unknown subgraphs', () => {
    const config = readGatewayConfig({ SUBGRAPH_TIMEOUT_MS: '4000', SUBGRAPH_TIMEOUTS: 'inventory=500, orders=2000' });
    expect(config.subgraphTimeouts).toEqual({ inventory: 500, orders: 2_000 });
    expect(readGatewayConfig({}).subgraphTimeouts).toEqual({});
    expect(() => readGatewayConfig({ SUBGRAPH_TIMEOUTS: 'inventroy=500' })).toThrow(/SUBGRAPH_TIMEOUTS[\s\S]*inventroy/);
    expect(() => readGatewayConfig({ SUBGRAPH_TIMEOUTS: 'orders=10' })).toThrow(/SUBGRAPH_TIMEOUTS/);
  });

  it('has retries and a breaker by default, and a breaker can be turned off', () => {
    expect(readGatewayConfig({})).toMatchObject({ SUBGRAPH_RETRIES: 2, SUBGRAPH_BREAKER_FAILURES: 5, SUBGRAPH_BREAKER_COOLDOWN_MS: 5_000 });
    expect(readGatewayConfig({ SUBGRAPH_BREAKER_FAILURES: '0' }).SUBGRAPH_BREAKER_FAILURES).toBe(0);
    expect(() => readGatewayConfig({ SUBGRAPH_BREAKER_FAILURE_RATIO: '1.5' })).toThrow(/SUBGRAPH_BREAKER_FAILURE_RATIO/);
  });
});
