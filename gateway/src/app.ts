import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import { createFormatError, graphqlHttpErrorHandler, listen } from '@commerce/kit/http';
import express from 'express';
import type { GatewayConfig, SubgraphName } from './config.js';
import type { GatewayContext } from './context.js';
import { SubgraphDataSource } from './subgraphs/subgraph-data-source.js';
import { fileSupergraph } from './supergraph/file-supergraph.js';

export interface GatewayApp {
  httpServer: Server;
  gateway: ApolloGateway;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** Apollo Sandbox, or Apollo Explorer on the registered graph in production; off unless enabled. */
function landingPage(config: GatewayConfig) {
  if (!config.LANDING_PAGE) return ApolloServerPluginLandingPageDisabled();
  if (config.NODE_ENV === 'production' && config.APOLLO_GRAPH_REF) {
    return ApolloServerPluginLandingPageProductionDefault({ graphRef: config.APOLLO_GRAPH_REF, embed: true });
  }
  return ApolloServerPluginLandingPageLocalDefault({ embed: true });
}

/**
 * The supergraph's front door: plans every operation with @apollo/gateway and serves it with
 * @apollo/server on Express. Supergraph from the committed file (reloaded on change in development),
 * or from Apollo's uplink when APOLLO_KEY and APOLLO_GRAPH_REF are set.
 */
export async function createGatewayApp(config: GatewayConfig): Promise<GatewayApp> {
  const development = config.NODE_ENV === 'development';
  const gateway = new ApolloGateway({
    ...(config.managedFederation
      ? {}
      : { supergraphSdl: fileSupergraph({ path: config.SUPERGRAPH_PATH, watch: config.SUPERGRAPH_WATCH }) }),
    buildService: ({ name, url }) =>
      new SubgraphDataSource({
        url: config.subgraphUrls[name as SubgraphName] ?? url ?? '',
        timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
      }),
  });

  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    ...(config.managedFederation ? { apollo: { key: config.APOLLO_KEY, graphRef: config.APOLLO_GRAPH_REF } } : {}),
    introspection: config.INTROSPECTION,
    includeStacktraceInErrorResponses: development,
    formatError: createFormatError({ exposeInternalErrors: development }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.SHUTDOWN_GRACE_MS }),
      landingPage(config),
    ],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => ({ requestId: req.get('x-request-id') ?? randomUUID() }),
    }),
  );
  app.use(graphqlHttpErrorHandler);

  let closed: Promise<void> | undefined;
  return {
    httpServer,
    gateway,
    async listen(port, host = '127.0.0.1') {
      const bound = await listen(httpServer, port, host);
      return `http://${host}:${bound}/graphql`;
    },
    close() {
      // apollo.stop() drains the HTTP server and stops the gateway (and its supergraph watcher).
      closed ??= apollo.stop();
      return closed;
    },
  };
}
