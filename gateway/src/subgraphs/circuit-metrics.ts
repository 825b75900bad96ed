import { Gauge, type Registry } from 'prom-client';
import type { CircuitBreaker, CircuitState } from './circuit-breaker.js';

const STATE_VALUES: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** `gateway_subgraph_circuit_state{subgraph}`: 0 closed, 1 half-open, 2 open; read from the breakers at scrape time. */
export function registerCircuitStateGauge(registry: Registry, breakers: ReadonlyMap<string, CircuitBreaker>) {
  return new Gauge({
    name: 'gateway_subgraph_circuit_state',
    help: "State of each subgraph's circuit breaker: 0 closed, 1 half-open (probing), 2 open (failing fast).",
    labelNames: ['subgraph'],
    registers: [registry],
    // Summed over a cluster's workers (cluster/) a state would be no state: the worst worker's is the gateway's.
    aggregator: 'max',
    collect() {
      for (const [subgraph, breaker] of breakers) this.set({ subgraph }, STATE_VALUES[breaker.state]);
    },
  });
}
