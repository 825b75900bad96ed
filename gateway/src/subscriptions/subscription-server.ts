import type { Server } from 'node:http';
import { nulCharacterError, operationHasNulCharacter, type Viewer } from '@commerce/kit/http';
import { type DocumentNode, getOperationAST, GraphQLError, parse } from 'graphql';
import { CloseCode, type Context } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { AccessTokenVerifier } from '../auth/access-token-verifier.js';
import { checkOperationLimits, type OperationLimits } from '../limits/index.js';
import type { TrustedDocuments } from '../persisted-queries/trusted-documents.js';
import type { SubscriptionHub } from './subscription-hub.js';
import type { SupergraphPlanner } from '../supergraph/supergraph-planner.js';

export interface GatewaySubscriptionOptions {
  httpServer: Server;
  hub: SubscriptionHub;
  planner: () => SupergraphPlanner;
  tokens: AccessTokenVerifier;
  maxConnections: number;
  maxSubscriptionsPerConnection: number;
  /** The same depth, alias and cost limits as over HTTP. */
  limits: OperationLimits;
  /** In trusted-documents mode, the only subscriptions served (by id in `extensions.persistedQuery`, or by text). */
  trustedDocuments?: TrustedDocuments;
}

interface ConnectionState {
  viewer: Viewer | null;
  subscriptions: Set<string>;
  expiry?: NodeJS.Timeout;
}

const codedError = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

/**
 * graphql-ws on the gateway's /graphql. The access token goes in `connection_init`
 * (`{ authorization: "Bearer …" }`): an invalid one refuses the connection (4403), and the connection is
 * closed (4401) when the token expires. Only subscriptions are served here; each is executed by the hub.
 */
export function startGatewaySubscriptions(options: GatewaySubscriptionOptions) {
  const { httpServer, hub, planner, tokens, maxConnections, maxSubscriptionsPerConnection, limits, trustedDocuments } = options;
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const states = new WeakMap<Context, ConnectionState>();
  let connections = 0;

  wsServer.on('connection', (socket) => {
    connections++;
    socket.once('close', () => connections--);
    // 1013: "try again later", the WebSocket code for a server at capacity.
    if (connections > maxConnections) socket.close(1013, 'Too many connections; try again later.');
  });

  const server = useServer(
    {
      schema: () => planner().apiSchemaGraphQL,
      onConnect: async (ctx) => {
        const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
        const raw = params.authorization ?? params.Authorization ?? params.token;
        const state: ConnectionState = { viewer: null, subscriptions: new Set() };
        states.set(ctx, state);
        if (typeof raw !== 'string' || raw === '') return true;
        try {
          const { expiresAt, ...viewer } = await tokens.verifyToken(raw.replace(/^Bearer\s+/i, ''));
          state.viewer = viewer;
          state.expiry = setTimeout(
            () => ctx.extra.socket.close(CloseCode.Unauthorized, 'The access token expired; reconnect with a fresh one.'),
            Math.max(0, expiresAt - Date.now()),
          );
          return true;
        } catch {
          return false;
        }
      },
      onClose: (ctx) => clearTimeout(states.get(ctx)?.expiry),
      onSubscribe: (ctx, id, payload) => {
        const state = states.get(ctx)!;
        if (trustedDocuments) {
          const resolved = trustedDocuments.resolve(payload);
          if (typeof resolved === 'object') return [codedError(resolved.message, resolved.code)];
          // graphql-ws executes payload.query after this hook; a client naming an id sends an empty query.
          if (resolved !== undefined) (payload as { query: string }).query = resolved;
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch {
          return; // graphql-ws reports the syntax error itself
        }
        if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') {
          return [codedError('Only subscriptions are served over WebSocket; send queries and mutations over HTTP.', 'BAD_REQUEST')];
        }
        if (state.subscriptions.size >= maxSubscriptionsPerConnection) {
          return [codedError(`At most ${maxSubscriptionsPerConnection} subscriptions per connection.`, 'SUBSCRIPTION_LIMIT')];
        }
        const tooLarge = checkOperationLimits(document, payload.operationName, payload.variables, limits);
        if (tooLarge) return [tooLarge];
        if (operationHasNulCharacter(document, payload.variables, payload.query)) return [nulCharacterError()];
        state.subscriptions.add(id);
      },
      onComplete: (ctx, id) => {
        states.get(ctx)?.subscriptions.delete(id);
      },
      context: (ctx) => ({ viewer: states.get(ctx)?.viewer ?? null }),
      subscribe: (args) =>
        hub.subscribe({
          document: args.document,
          operationName: args.operationName,
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
          viewer: (args.contextValue as { viewer: Viewer | null }).viewer,
        }),
    },
    wsServer,
  );

  return {
    get connections() {
      return connections;
    },
    async close() {
      await server.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
