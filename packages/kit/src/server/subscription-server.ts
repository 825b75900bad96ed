import type { Server } from 'node:http';
import { type DocumentNode, type GraphQLSchema, parse } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { nulCharacterError, operationHasNulCharacter } from '../graphql/nul-character.js';
import { verifyIdentity } from '../identity/identity-headers.js';
import type { Viewer } from '../identity/viewer.js';

export interface SubscriptionServerOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  sharedSecret: string;
  /** Builds the per-operation context for a verified (or anonymous) caller. */
  context: (viewer: Viewer | null) => object;
}

/**
 * Serves the subgraph's subscriptions over graphql-ws on /graphql, beside HTTP. The gateway multiplexes many
 * clients' subscriptions over one connection, so identity travels per operation: in the subscribe message's
 * `extensions.identity` (the same signed headers as over HTTP), verified with the shared secret.
 */
export function startSubscriptionServer({ httpServer, schema, sharedSecret, context }: SubscriptionServerOptions) {
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const server = useServer(
    {
      schema,
      // As over HTTP (refuseNulCharacters): a subscription's arguments may reach PostgreSQL too.
      onSubscribe: (_ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch {
          return; // graphql-ws reports the syntax error itself
        }
        if (operationHasNulCharacter(document, payload.variables, payload.query)) return [nulCharacterError()];
      },
      context: (_ctx, _id, payload) => {
        const identity = (payload.extensions?.identity ?? {}) as Record<string, string>;
        return context(verifyIdentity({ get: (name) => identity[name] }, sharedSecret)) as Record<string, unknown>;
      },
    },
    wsServer,
  );
  return {
    async close() {
      await server.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
