import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { checkOperationLimits, type OperationLimits } from './operation-limits.js';

/**
 * Refuses operations that are too deep, too aliased or too costly before the gateway plans them, so a
 * hostile query never reaches the query planner or a subgraph. Runs after validation, so the document is
 * known to be well formed; `first` is read from the request's variables as sent.
 */
export function operationLimitsPlugin<Context extends BaseContext>(limits: OperationLimits): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request }) {
          const error = checkOperationLimits(document, operationName, request.variables, limits);
          // extensions.http sets the response status (400) in Apollo Server, which strips it from the body.
          if (error) throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } });
        },
      };
    },
  };
}
