import type { ApolloServerPlugin } from '@apollo/server';
import type { Redis } from 'ioredis';
import type { EventEmitter } from 'node:events';
import { createLogger, type Logger } from '../logging/logger.js';
import { loggingPlugin } from '../logging/logging-plugin.js';
import { apolloTracingPlugin } from './apollo-tracing-plugin.js';
import { type AroundCall, type AroundRequest, batchedCallSpans, httpServerSpans } from './http-server-spans.js';
import type { ObservabilitySettings } from './observability-env.js';
import { tracePgPool } from './pg-spans.js';
import { traceRedis } from './redis-spans.js';
import { createTracing, type Tracing } from './tracing.js';

export interface ObservabilityOptions {
  /** A logger of the caller's (tests read lines back from theirs); else one on standard output at LOG_LEVEL. */
  logger?: Logger;
}

/**
 * An app's logs and traces in one place, so the server bootstraps (the kit's and the gateway's) each add a
 * few lines. With tracing off every `trace*` is the identity and no span work happens per request.
 */
export class Observability {
  readonly logger: Logger;
  readonly tracing: Tracing | undefined;

  constructor(
    readonly service: string,
    private readonly settings: ObservabilitySettings,
    options: ObservabilityOptions = {},
  ) {
    this.logger = options.logger ?? createLogger({ service, level: settings.LOG_LEVEL });
    this.tracing = createTracing(service, settings);
  }

  /** The operation span (when tracing) and the error/slow/debug log lines. */
  apolloPlugins<Context extends { requestId?: string }>(): ApolloServerPlugin<Context>[] {
    return [
      loggingPlugin<Context>({ logger: this.logger, slowMs: this.settings.SLOW_OPERATION_MS }),
      ...(this.tracing ? [apolloTracingPlugin<Context>()] : []),
    ];
  }

  /** The request's SERVER span around the GraphQL handler, or nothing when tracing is off. */
  aroundRequest(): AroundRequest | undefined {
    return this.tracing ? httpServerSpans(this.tracing.tracer) : undefined;
  }

  /** A SERVER span around each call of a gateway batch, child of the call's traceparent, or nothing when tracing is off. */
  aroundBatchedCall(): AroundCall | undefined {
    return this.tracing ? batchedCallSpans(this.tracing.tracer) : undefined;
  }

  traceRedis(redis: Redis, client: string): Redis {
    return this.tracing ? traceRedis(redis, this.tracing.tracer, client) : redis;
  }

  tracePgPool(pool: EventEmitter, namespace: string): void {
    if (this.tracing) tracePgPool(pool, this.tracing.tracer, namespace);
  }

  /** Exports the spans still buffered. */
  async close(): Promise<void> {
    await this.tracing?.shutdown().catch((error: Error) => this.logger.warn({ err: error }, 'trace export at shutdown failed'));
  }
}
