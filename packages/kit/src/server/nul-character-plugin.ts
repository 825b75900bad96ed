import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { nulCharacterError, operationHasNulCharacter } from '../graphql/nul-character.js';

/**
 * Refuses an operation whose variables or string literals hold U+0000 (see nul-character.ts) with BAD_USER_INPUT and
 * 400, as Apollo Server answers variables that do not coerce, before it executes: nothing runs, nothing is written.
 * Among a server's request plugins, it runs on Apollo Server's path and on the direct paths alike (a subgraph's
 * DirectExecution hands a refused call to Apollo Server, which refuses it; the gateway's direct fetch answers it).
 */
export function refuseNulCharacters<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, source }) {
          if (!operationHasNulCharacter(document, request.variables, source)) return;
          const refusal = nulCharacterError();
          // extensions.http sets the response status in Apollo Server, which takes it out of the body.
          throw new GraphQLError(refusal.message, { extensions: { ...refusal.extensions, http: { status: 400 } } });
        },
      };
    },
  };
}
