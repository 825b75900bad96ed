import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
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
          const faults = errors.filter((error) => !CLIENT_ERROR_CODES.has(errorCode(error)));
          for (const fault of faults) {
            logger.error({ ...fields, code: errorCode(fault), path: fault.path, err: unwrapResolverError(fault) }, `operation failed: ${fault.message}`);
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
