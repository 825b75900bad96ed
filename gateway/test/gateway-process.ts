import { graphqlRequest, type HeldStop, type ServiceProcess, sigtermWhileHeld, TEST_GATEWAY_SECRET } from '@commerce/testkit';
import { expect } from 'vitest';
import type { RunningSupergraph } from './supergraph-harness.js';

/** The environment of the real main.ts in front of the harness's subgraphs, with `extra` on top. */
export function gatewayProcessEnv(supergraph: RunningSupergraph, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
    REDIS_URL: supergraph.env.config.REDIS_URL,
    REDIS_KEY_PREFIX: supergraph.env.config.REDIS_KEY_PREFIX,
    SUPERGRAPH_WATCH: 'false',
    RATE_LIMITS: 'off',
    ...Object.fromEntries(Object.entries(supergraph.subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url])),
    ...extra,
  };
}

/**
 * Stops the gateway (SIGTERM, or SIGINT to its process group) while a products query is in flight: catalog's product
 * table held, so the query is still running at the subgraph when the signal arrives (see sigtermWhileHeld).
 */
export function stopWhileProductsHeld(gateway: ServiceProcess, supergraph: RunningSupergraph, toProcessGroup = false): Promise<HeldStop<any>> {
  return sigtermWhileHeld(gateway, {
    databaseUrl: supergraph.env.config.DATABASE_URL,
    lockTable: 'catalog.product',
    request: () => graphqlRequest(gateway.url, '{ products(first: 1) { edges { node { name } } } }'),
    toProcessGroup,
  });
}

/** A graceful stop: the port closed at the signal, the process ran on until the held query was answered whole, exit 0. */
export function expectHeldQueryAnswered(stop: HeldStop<any>): void {
  expect(stop.healthAnsweredAfterSignal).toBe(false);
  expect(stop.runningAfterSignal).toBe(true);
  expect(stop.answer.status).toBe(200);
  expect(stop.answer.errors).toBeUndefined();
  expect(stop.answer.data.products.edges).toHaveLength(1);
  expect(stop.exitCode).toBe(0);
}
