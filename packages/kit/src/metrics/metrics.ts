import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import type { RequestHandler } from 'express';
import { getOperationAST, type GraphQLError } from 'graphql';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { LabelCap } from './label-cap.js';

export interface MetricsOptions {
  /** Set as the `service` label on every series (a subgraph's name, or "gateway"). */
  service: string;
  /** Distinct operation names kept as labels; later new names are counted as "other". Default 200. */
  maxOperationNames?: number;
  /** Node.js process metrics (CPU, memory, event loop lag, GC). Default true. */
  defaultMetrics?: boolean;
}

/** Latency buckets in seconds, from 5 ms to 10 s. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** An error without a code is what formatError reports as INTERNAL_SERVER_ERROR. */
export function errorCode(error: Pick<GraphQLError, 'extensions'> | undefined): string {
  const code = error?.extensions?.code;
  return typeof code === 'string' && code !== '' ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * One Prometheus registry per app (never prom-client's global one: several apps share a test process), with
 * the GraphQL request metrics every server records. Add more metrics on `registry`; serve it with `handler`.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operations: LabelCap;
  /** Error codes come from the server, but a subgraph's errors pass through the gateway: bound them too. */
  private readonly codes = new LabelCap(100);
  private readonly refusalReasons = new LabelCap(30);
  readonly requests: Counter<'operation' | 'outcome'>;
  readonly duration: Histogram<'operation'>;
  readonly errors: Counter<'operation' | 'code'>;
  readonly refusals: Counter<'reason'>;

  constructor(options: MetricsOptions) {
    this.registry.setDefaultLabels({ service: options.service });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.operations = new LabelCap(options.maxOperationNames ?? 200);
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'graphql_requests_total',
      help: 'GraphQL operations by operation name and outcome ("ok" or the first error\'s extensions.code).',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'graphql_request_duration_seconds',
      help: 'GraphQL operation latency, from request start to response, by operation name.',
      labelNames: ['operation'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: 'graphql_errors_total',
      help: 'GraphQL errors in responses by operation name and extensions.code.',
      labelNames: ['operation', 'code'],
      registers,
    });
    this.refusals = new Counter({
      name: 'http_refusals_total',
      help: 'Requests refused before they reached GraphQL execution, by reason (payload_too_large, malformed_json, unsupported_encoding, or the refusal code of a persisted-query check).',
      labelNames: ['reason'],
      registers,
    });
  }

  /** Counts a request refused before GraphQL (oversized or malformed bodies, untrusted documents): Apollo's plugin never sees those. */
  countRefusal(reason: string): void {
    this.refusals.inc({ reason: this.refusalReasons.label(reason) });
  }

  /** The operation's name as a bounded label: "anonymous" without one, "other" past the cap. */
  operationLabel(name: string | null | undefined): string {
    return name ? this.operations.label(name) : 'anonymous';
  }

  codeLabel(error: Pick<GraphQLError, 'extensions'> | undefined): string {
    return this.codes.label(errorCode(error));
  }

  /** Records every operation: count by outcome, latency, and each error by code. */
  apolloPlugin<Context extends object>(): ApolloServerPlugin<Context> {
    return {
      requestDidStart: async () => {
        const started = process.hrtime.bigint();
        return {
          willSendResponse: async (requestContext: GraphQLRequestContext<Context>) => {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            const operation = this.operationLabel(operationName(requestContext));
            const errors = requestContext.errors ?? [];
            this.duration.observe({ operation }, seconds);
            this.requests.inc({ operation, outcome: errors.length ? this.codeLabel(errors[0]) : 'ok' });
            for (const error of errors) this.errors.inc({ operation, code: this.codeLabel(error) });
          },
        };
      },
    };
  }

  /**
   * GET /metrics in the Prometheus text format: this registry's, or what `text` gives (a cluster worker answers
   * for every worker of its cluster).
   */
  handler(text: () => Promise<string> = () => this.registry.metrics()): RequestHandler {
    return async (_req, res, next) => {
      try {
        const body = await text();
        res.set('content-type', this.registry.contentType).send(body);
      } catch (error) {
        next(error);
      }
    };
  }
}

/**
 * The operation's name as Apollo resolved it; before that happens (an invalid document), the name the client
 * sent, or the only operation's name in the parsed document.
 */
function operationName(requestContext: GraphQLRequestContext<any>): string | undefined {
  if (requestContext.operationName) return requestContext.operationName;
  if (requestContext.request.operationName) return requestContext.request.operationName;
  return requestContext.document ? getOperationAST(requestContext.document)?.name?.value : undefined;
}

export function createMetrics(options: MetricsOptions): Metrics {
  return new Metrics(options);
}
