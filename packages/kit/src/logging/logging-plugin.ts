import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { errorCode } from '../metrics/metrics.js';
import { CLIENT_ERROR_CODES } from '../errors/graphql-errors.js';

export interface LoggingPluginOptions {
  logger: Logger;
  /** Operations slower than this are logged at warn. */
  slowMs?: number;
}

/**
 * Logs what an operator acts on without a line per request at info (these servers take thousands a second):
 * failures that are ours (error, with the cause's stack), operations slower than `slowMs` (warn), and every
 * operation at debug. Lines carry the request id, and the trace id when tracing is on.
 */
export function loggingPlugin<Context extends { requestId?: string }>({ logger, slowMs = 1_000 }: LoggingPluginOptions): ApolloServerPlugin<Context> {
  return {
    // Failures before or outside an operation, which formatError only masks.
    async contextCreationDidFail({ error }) {
      // An expired token or a forged identity header is the caller's doing: one line each would let anyone write
      // stack-traced error lines at will.
      if (CLIENT_ERROR_CODES.has(errorCode(error as GraphQLError))) return;
      logger.error({ err: error }, 'building the request context failed');
    },
    async unexpectedErrorProcessingRequest({ requestContext, error }) {
      logger.error({ requestId: requestContext.contextValue?.requestId, err: error }, 'unexpected error processing a request');
    },
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse(requestContext: GraphQLRequestContext<Context>) {
          const ms = Math.round(performance.now() - started);
          const errors = requestContext.errors ?? [];
          const fields = {
            requestId: requestContext.contextValue.requestId,
            operation: requestContext.operationName ?? requestContext.request.operationName ?? null,
            ms,
          };
          // One line per distinct fault: a subgraph outage fails every entity of a list the same way (one error per
          // field), and a line for each would be hundreds per request.
          const faults = new Map<string, { error: GraphQLError; code: string; count: number }>();
          for (const error of errors) {
            const code = errorCode(error);
            if (CLIENT_ERROR_CODES.has(code)) continue;
            const key = `${code}\n${error.message}`;
            const seen = faults.get(key);
            if (seen) seen.count++;
            else faults.set(key, { error, code, count: 1 });
          }
          for (const { error: fault, code, count } of faults.values()) {
            logger.error(
              { ...fields, code, path: fault.path, ...(count > 1 ? { count } : {}), err: unwrapResolverError(fault) },
              `operation failed: ${fault.message}`,
            );
          }
          if (ms >= slowMs) logger.warn(fields, 'slow operation');
          else if (logger.isLevelEnabled('debug')) {
            logger.debug({ ...fields, codes: errors.map((error) => errorCode(error)) }, 'operation');
          }
        },
      };
    },
  };
}
