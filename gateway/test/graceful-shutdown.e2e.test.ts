import { fileURLToPath } from 'node:url';
import { graphqlRequest, type ServiceProcess, sigtermWhileHeld, startServiceProcess, TEST_GATEWAY_SECRET } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSupergraph, startSupergraph } from './supergraph-harness.js';

let supergraph: RunningSupergraph;
let gateway: ServiceProcess | undefined;

beforeAll(async () => {
  supergraph = await startSupergraph('gateway_shutdown');
}, 120_000);
afterAll(async () => {
  if (gateway && gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
  await supergraph?.close();
});

describe('gateway process on SIGTERM', () => {
  it('stops accepting, lets the in-flight request finish, closes the app, then exits 0', async () => {
    // The real main.ts in front of the harness's subgraphs.
    gateway = await startServiceProcess(fileURLToPath(new URL('..', import.meta.url)), {
      PORT: '0',
      HOST: '127.0.0.1',
      GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
      REDIS_URL: supergraph.env.config.REDIS_URL,
      REDIS_KEY_PREFIX: supergraph.env.config.REDIS_KEY_PREFIX,
      SUPERGRAPH_WATCH: 'false',
      RATE_LIMITS: 'off',
      ...Object.fromEntries(Object.entries(supergraph.subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url])),
    });
    const url = gateway.url;
    // Catalog's product table held, so the request is still running (at the subgraph) when the signal arrives.
    const stop = await sigtermWhileHeld(gateway, {
      databaseUrl: supergraph.env.config.DATABASE_URL,
      lockTable: 'catalog.product',
      request: () => graphqlRequest(url, '{ products(first: 1) { edges { node { name } } } }'),
    });

    expect(stop.healthAnsweredAfterSignal).toBe(false);
    expect(stop.runningAfterSignal).toBe(true);
    expect(stop.answer.status).toBe(200);
    expect(stop.answer.errors).toBeUndefined();
    expect(stop.answer.data.products.edges).toHaveLength(1);
    expect(stop.exitCode).toBe(0);
    // The gateway's own close ran to its end (exitGracefullyOnSignals logs it), not an exit on a signal sent again.
    expect(gateway.output()).toContain('"msg":"stopped"');
  });
});
