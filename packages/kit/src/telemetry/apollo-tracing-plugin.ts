import type { ApolloServerPlugin } from '@apollo/server';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { CLIENT_ERROR_CODES } from '../errors/graphql-errors.js';
import { errorCode } from '../metrics/metrics.js';

/**
 * Turns the request's HTTP server span into the GraphQL operation span: named `query OrderPage`, with the
 * operation's name and type, and the error codes of a failed operation. Works on the span the GraphQL handler
 * made active (the request's, or a batched call's), so it adds no span of its own.
 */
export function apolloTracingPlugin<Context extends { requestId?: string }>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const span = trace.getActiveSpan();
      if (!span) return;
      if (contextValue.requestId) span.setAttribute('commerce.request_id', contextValue.requestId);
      return {
        async didResolveOperation({ operation, operationName }) {
          if (!operation) return;
          span.updateName(`${operation.operation}${operationName ? ` ${operationName}` : ''}`);
          span.setAttribute('graphql.operation.type', operation.operation);
          if (operationName) span.setAttribute('graphql.operation.name', operationName);
        },
        async didEncounterErrors({ errors }) {
          const codes = [...new Set(errors.map((error) => errorCode(error)))];
          span.setAttribute('graphql.error.codes', codes);
          const fault = errors.find((error) => !CLIENT_ERROR_CODES.has(errorCode(error)));
          if (fault) {
            span.recordException(fault.originalError ?? fault);
            span.setStatus({ code: SpanStatusCode.ERROR, message: fault.message });
          }
        },
      };
    },
  };
}
