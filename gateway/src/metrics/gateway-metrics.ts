import type { GraphQLDataSource } from '@apollo/gateway';
import { LATENCY_BUCKETS, Metrics } from '@commerce/kit/metrics';
import { Counter, Gauge, Histogram } from 'prom-client';

export interface GatewayLiveStats {
  /** Open graphql-ws sockets. */
  connections(): number;
  /** Subscriptions clients hold, and the shared upstream subscriptions on subgraphs behind them. */
  subscriptions(): { subscribers: number; upstreamSubscriptions: number };
}

/**
 * The gateway's registry: the kit's GraphQL request metrics, subgraph fetch latency per subgraph, and gauges for
 * WebSocket connections and subscriptions, read at scrape time from whatever `observe` was given.
 */
export class GatewayMetrics extends Metrics {
  readonly subgraphFetch: Histogram<'subgraph' | 'outcome'>;
  readonly directRequests: Counter<'subgraph'>;
  readonly soldOutAnswers: Counter;
  readonly subgraphBatches: Histogram<'subgraph'>;
  readonly sessionChecks: Counter<'answered_by'>;
  private live?: GatewayLiveStats;

  constructor() {
    super({ service: 'gateway' });
    const registers = [this.registry];
    this.subgraphFetch = new Histogram({
      name: 'gateway_subgraph_fetch_duration_seconds',
      help: 'Latency of the gateway\'s fetches to each subgraph, by outcome ("ok", or "error" when it threw or answered errors).',
      labelNames: ['subgraph', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.directRequests = new Counter({
      name: 'gateway_direct_requests_total',
      help: 'Operations served on the direct path: sent whole to the one subgraph that answers them, by subgraph (also counted in graphql_requests_total).',
      labelNames: ['subgraph'],
      registers,
    });
    this.soldOutAnswers = new Counter({
      name: 'gateway_sold_out_answers_total',
      help: 'Time-sale claims the gateway answered SOLD_OUT itself, on a sale inventory announced sold out (also counted in graphql_requests_total).',
      registers,
    });
    this.subgraphBatches = new Histogram({
      name: 'gateway_subgraph_batch_calls',
      help: 'Calls per batch the gateway sent to each subgraph as one HTTP request (calls sent alone are not batches).',
      labelNames: ['subgraph'],
      buckets: [2, 4, 8, 16, 32, 64],
      registers,
    });
    this.sessionChecks = new Counter({
      name: 'gateway_session_checks_total',
      help: 'Device-session checks of access tokens, by what answered: "memory" (the ended sessions members announces) or "redis" (memory could not tell, or SESSION_CHECK=redis).',
      labelNames: ['answered_by'],
      registers,
    });
    const metrics = this;
    new Gauge({
      name: 'gateway_websocket_connections',
      help: 'Open graphql-ws connections.',
      registers,
      collect() {
        if (metrics.live) this.set(metrics.live.connections());
      },
    });
    new Gauge({
      name: 'gateway_subscriptions_active',
      help: 'Subscriptions clients hold on the gateway.',
      registers,
      collect() {
        if (metrics.live) this.set(metrics.live.subscriptions().subscribers);
      },
    });
    new Gauge({
      name: 'gateway_upstream_subscriptions',
      help: 'Upstream subscriptions the gateway holds on subgraphs (identical client subscriptions share one).',
      registers,
      collect() {
        if (metrics.live) this.set(metrics.live.subscriptions().upstreamSubscriptions);
      },
    });
  }

  /** Where the live gauges read from; set once the WebSocket server and the hub exist. */
  observe(live: GatewayLiveStats) {
    this.live = live;
  }

  /**
   * Times every `process` call of one subgraph's data source (plan fetches and per-event subscription fetches). The
   * two series are bound once, and the timing chains on the call's promise rather than awaiting it in an async
   * function whose frame would stay alive across the subgraph's round trip (see SubgraphDataSource).
   */
  instrument<Source extends GraphQLDataSource<any>>(subgraph: string, source: Source): Source {
    const process = source.process.bind(source);
    const ok = this.subgraphFetch.labels(subgraph, 'ok');
    const failed = this.subgraphFetch.labels(subgraph, 'error');
    source.process = ((options) => {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      let response: ReturnType<typeof process>;
      try {
        response = process(options);
      } catch (error) {
        failed.observe(seconds());
        return Promise.reject(error);
      }
      return response.then(
        (answer) => {
          (answer.errors?.length ? failed : ok).observe(seconds());
          return answer;
        },
        (error: unknown) => {
          failed.observe(seconds());
          throw error;
        },
      );
    }) as Source['process'];
    return source;
  }
}
