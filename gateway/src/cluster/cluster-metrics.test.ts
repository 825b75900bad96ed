import { Counter, Gauge, type Registry, Registry as PromRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { aggregateWorkers } from './cluster-metrics.js';

/** A worker's registry with the series prom-client and the gateway declare, holding the given values. */
function workerRegistry(values: { lagP99: number; openFds: number; requests: number; connections: number; circuit: number }): Registry {
  const registry = new PromRegistry();
  // As prom-client's default metrics declare it: averaged across a cluster.
  new Gauge({ name: 'nodejs_eventloop_lag_p99_seconds', help: 'lag', aggregator: 'average', registers: [registry] }).set(values.lagP99);
  new Gauge({ name: 'process_open_fds', help: 'fds', registers: [registry] }).set(values.openFds);
  new Counter({ name: 'graphql_requests_total', help: 'requests', labelNames: ['outcome'], registers: [registry] }).inc({ outcome: 'ok' }, values.requests);
  new Gauge({ name: 'gateway_websocket_connections', help: 'connections', registers: [registry] }).set(values.connections);
  new Gauge({ name: 'gateway_subgraph_circuit_state', help: 'state', aggregator: 'max', registers: [registry] }).set(values.circuit);
  return registry;
}

const valueOf = async (registry: Registry, name: string) => (await registry.getSingleMetric(name)!.get()).values[0]!.value;

describe('aggregateWorkers', () => {
  it('sums counts, and takes the worst worker for event-loop lag, open files and declared states', async () => {
    const idle = workerRegistry({ lagP99: 0.01, openFds: 20, requests: 3, connections: 1, circuit: 0 });
    const saturated = workerRegistry({ lagP99: 0.5, openFds: 30, requests: 4, connections: 2, circuit: 2 });
    const cluster = aggregateWorkers([await idle.getMetricsAsJSON(), await saturated.getMetricsAsJSON()]);

    // Averaged, the saturated worker's half second read 0.255 s.
    expect(await valueOf(cluster, 'nodejs_eventloop_lag_p99_seconds')).toBe(0.5);
    expect(await valueOf(cluster, 'process_open_fds')).toBe(30);
    expect(await valueOf(cluster, 'gateway_subgraph_circuit_state')).toBe(2);
    expect(await valueOf(cluster, 'graphql_requests_total')).toBe(7);
    expect(await valueOf(cluster, 'gateway_websocket_connections')).toBe(3);
  });
});
