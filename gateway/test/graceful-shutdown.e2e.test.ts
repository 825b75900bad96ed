import { fileURLToPath } from 'node:url';
import { type ServiceProcess, startServiceProcess } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectHeldQueryAnswered, gatewayProcessEnv, stopWhileProductsHeld } from './gateway-process.js';
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
    gateway = await startServiceProcess(fileURLToPath(new URL('..', import.meta.url)), gatewayProcessEnv(supergraph));
    expectHeldQueryAnswered(await stopWhileProductsHeld(gateway, supergraph));
    // The gateway's own close ran to its end (exitGracefullyOnSignals logs it), not an exit on a signal sent again.
    expect(gateway.output()).toContain('"msg":"stopped"');
  });
});
