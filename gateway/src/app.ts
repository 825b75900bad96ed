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
import { createFormatError, createGraphqlHttpErrorHandler, listen } from '@commerce/kit/http';
import type { Logger } from '@commerce/kit/logging';
import { registerRedisMetrics, serveMetrics } from '@commerce/kit/metrics';
import { Observability, type ObservabilityOptions } from '@commerce/kit/telemetry';
import express from 'express';
import { Redis } from 'ioredis';
import { createAccessTokenVerifier } from './auth/access-token-verifier.js';
import type { GatewayConfig, SubgraphName } from './config.js';
import type { GatewayContext } from './context.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { corsMiddleware } from './http/cors.js';
import { operationLimitsPlugin } from './limits/index.js';
import { SubgraphDataSource } from './subgraphs/subgraph-data-source.js';
import { SubscriptionHub } from './subscriptions/subscription-hub.js';
import { startGatewaySubscriptions } from './subscriptions/subscription-server.js';
import { SupergraphPlanner } from './subscriptions/supergraph-planner.js';
import { UpstreamClients } from './subscriptions/upstream-clients.js';
import { fileSupergraph } from './supergraph/file-supergraph.js';
import { traceSubgraphFetches } from './telemetry/subgraph-fetch-spans.js';

export interface GatewayApp {
  httpServer: Server;
  gateway: ApolloGateway;
  subscriptions: SubscriptionHub;
  logger: Logger;
  /** The operator-only GET /metrics URL once listening, when METRICS_PORT is set. */
  readonly metricsUrl: string | undefined;
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
export async function createGatewayApp(config: GatewayConfig, options: ObservabilityOptions = {}): Promise<GatewayApp> {
  const development = config.NODE_ENV === 'development';
  // Read by ApolloGateway's constructor; must be set before it runs.
  if (!config.APOLLO_TELEMETRY) process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const metrics = new GatewayMetrics();
  const observability = new Observability('gateway', config, options);
  const dataSources = new Map<string, SubgraphDataSource>();
  const subgraphUrl = (name: string, composedUrl?: string) =>
    config.subgraphUrls[name as SubgraphName] ?? composedUrl ?? planner?.subgraphUrls.get(name) ?? '';
  const dataSourceFor = (name: string, composedUrl?: string) => {
    let source = dataSources.get(name);
    if (!source) {
      source = new SubgraphDataSource({
        url: subgraphUrl(name, composedUrl),
        timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
        sharedSecret: config.GATEWAY_SHARED_SECRET,
      });
      dataSources.set(name, traceSubgraphFetches(observability.tracing, name, metrics.instrument(name, source)));
    }
    return source;
  };
  let planner: SupergraphPlanner | undefined;

  const gateway = new ApolloGateway({
    ...(config.managedFederation
      ? {}
      : { supergraphSdl: fileSupergraph({ path: config.SUPERGRAPH_PATH, watch: config.SUPERGRAPH_WATCH, log: (message) => observability.logger.info(message) }) }),
    buildService: ({ name, url }) => dataSourceFor(name, url),
  });
  // Subscriptions are planned with the same supergraph the gateway serves, swapped together on reload.
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    planner = new SupergraphPlanner(coreSupergraphSdl);
  });

  const redis = observability.traceRedis(new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, maxRetriesPerRequest: 2 }), 'sessions');
  registerRedisMetrics(metrics.registry, { sessions: () => redis });
  const tokens = createAccessTokenVerifier({ jwksUrl: config.membersJwksUrl, redis });
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    ...(config.managedFederation ? { apollo: { key: config.APOLLO_KEY, graphRef: config.APOLLO_GRAPH_REF } } : {}),
    introspection: config.INTROSPECTION,
    includeStacktraceInErrorResponses: development,
    // The logging plugin logs unexpected errors, with the request id and the cause.
    formatError: createFormatError({ exposeInternalErrors: development, log: () => {} }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.SHUTDOWN_GRACE_MS }),
      landingPage(config),
      metrics.apolloPlugin<GatewayContext>(),
      ...observability.apolloPlugins<GatewayContext>(),
      operationLimitsPlugin(config.operationLimits),
    ],
    // Said explicitly because the gateway relies on both: no batches (one operation per request, so the
    // limits above hold per request), and CSRF prevention for simple-form posts and GETs.
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
  });
  await apollo.start();
  const currentPlanner = () => {
    if (!planner) throw new Error('The supergraph is not loaded yet.');
    return planner;
  };
  const upstreams = new UpstreamClients((name) => subgraphUrl(name));
  const hub = new SubscriptionHub({
    planner: currentPlanner,
    upstreams,
    dataSource: (name) => dataSourceFor(name),
    sharedSecret: config.GATEWAY_SHARED_SECRET,
    coalesceMs: config.SUBSCRIPTION_COALESCE_MS,
    maxQueuedPerSubscriber: 100,
  });
  const websockets = startGatewaySubscriptions({
    httpServer,
    hub,
    planner: currentPlanner,
    tokens,
    maxConnections: config.MAX_WS_CONNECTIONS,
    maxSubscriptionsPerConnection: config.MAX_SUBSCRIPTIONS_PER_CONNECTION,
    limits: config.operationLimits,
  });
  metrics.observe({ connections: () => websockets.connections, subscriptions: () => hub.stats });

  const metricsServer = serveMetrics(app, metrics, config.METRICS_PORT);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.use(
    '/graphql',
    corsMiddleware(config.CORS_ORIGINS),
    express.json({ limit: config.MAX_REQUEST_BYTES }),
    // Express 5 leaves req.body unset for bodies it does not parse (no or another content type); Apollo
    // then refuses them itself (CSRF prevention, 400) instead of the integration answering 500.
    (req, _res, next) => {
      req.body ??= {};
      next();
    },
    ...observability.httpMiddleware(),
    expressMiddleware(apollo, {
      context: async ({ req }) => ({
        requestId: req.get('x-request-id') ?? randomUUID(),
        viewer: await tokens.viewerFromAuthorization(req.get('authorization')),
        clientAddress: req.socket.remoteAddress,
      }),
    }),
  );
  app.use(metrics.countRefusals(), createGraphqlHttpErrorHandler(observability.logger));

  let closed: Promise<void> | undefined;
  let metricsUrl: string | undefined;
  return {
    httpServer,
    gateway,
    subscriptions: hub,
    logger: observability.logger,
    get metricsUrl() {
      return metricsUrl;
    },
    async listen(port, host = '127.0.0.1') {
      const bound = await listen(httpServer, port, host);
      metricsUrl = await metricsServer.listen(host);
      return `http://${host}:${bound}/graphql`;
    },
    close() {
      // apollo.stop() drains the HTTP server and stops the gateway (and its supergraph watcher).
      closed ??= (async () => {
        await websockets.close();
        await hub.dispose();
        await upstreams.close();
        await apollo.stop();
        await Promise.all([...dataSources.values()].map((source) => source.close()));
        await Promise.allSettled([redis.quit(), metricsServer.close()]);
        await observability.close();
      })();
      return closed;
    },
  };
}
