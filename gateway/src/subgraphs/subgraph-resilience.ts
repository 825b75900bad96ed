import type { Registry } from 'prom-client';
import type { GatewayConfig } from '../config.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { registerCircuitStateGauge } from './circuit-metrics.js';
import type { SubgraphDataSourceOptions } from './subgraph-data-source.js';

/**
 * The per-subgraph half of a data source's options: its time budget (SUBGRAPH_TIMEOUTS, else SUBGRAPH_TIMEOUT_MS),
 * retries for reads, and a circuit breaker of its own, whose state is on `registry` as a gauge.
 */
export function subgraphResilience(config: GatewayConfig, registry: Registry, log: (message: string) => void = console.warn) {
  const breakers = new Map<string, CircuitBreaker>();
  registerCircuitStateGauge(registry, breakers);
  return (name: string): Pick<SubgraphDataSourceOptions, 'name' | 'timeoutMs' | 'retries' | 'breaker' | 'batching'> => {
    const breaker = new CircuitBreaker({
      consecutiveFailures: config.SUBGRAPH_BREAKER_FAILURES,
      failureRatio: config.SUBGRAPH_BREAKER_FAILURE_RATIO,
      minCalls: config.SUBGRAPH_BREAKER_MIN_CALLS,
      windowMs: config.SUBGRAPH_BREAKER_WINDOW_MS,
      cooldownMs: config.SUBGRAPH_BREAKER_COOLDOWN_MS,
      onChange: (state) => log(`Subgraph ${name}: circuit ${state}.`),
    });
    breakers.set(name, breaker);
    return {
      name,
      timeoutMs: config.subgraphTimeouts[name as keyof GatewayConfig['subgraphTimeouts']] ?? config.SUBGRAPH_TIMEOUT_MS,
      retries: config.SUBGRAPH_RETRIES,
      breaker,
      batching: config.SUBGRAPH_BATCHING,
    };
  };
}
