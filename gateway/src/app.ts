import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import {
  createFormatError,
  createHttpErrorHandler,
  createRedis,
  graphqlHttpHandler,
  headerOf,
  IdentitySigner,
  listen,
  refuseNulCharacters,
  serverWithGraphQLRoute,
  SingleFlightCache,
  singleFlightDocumentStore,
  type Viewer,
} from '@commerce/kit/http';
import type { Logger } from '@commerce/kit/logging';
import { registerRedisMetrics, serveMetrics } from '@commerce/kit/metrics';
import { Observability, type ObservabilityOptions } from '@commerce/kit/telemetry';
import express from 'express';
import { createAccessTokenVerifier } from './auth/access-token-verifier.js';
import { EndedSessions } from './auth/ended-sessions.js';
import type { GatewayConfig, SubgraphName } from './config.js';
import type { GatewayContext } from './context.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { corsHandler } from './http/cors.js';
import { workerMetricsText } from './cluster/cluster-metrics.js';
import { directFetch } from './direct-fetch/direct-fetch.js';
import { soldOutAnswers } from './time-sale/sold-out-answers.js';
import { SoldOutSales } from './time-sale/sold-out-sales.js';
import { SingleFetchRoutes } from './direct-fetch/single-fetch-routes.js';
import { operationLimitsPlugin } from './limits/index.js';
import { RedisDocumentCache } from './persisted-queries/redis-document-cache.js';
import { TrustedDocuments } from './persisted-queries/trusted-documents.js';
import { apqRequestCheck, trustedDocumentsCheck } from './persisted-queries/persisted-query-checks.js';
import { rateLimitPlugin } from './rate-limits/rate-limit-plugin.js';
import { RateLimiter } from './rate-limits/rate-limiter.js';
import { SubgraphDataSource } from './subgraphs/subgraph-data-source.js';
import { subgraphResilience } from './subgraphs/subgraph-resilience.js';
import { SubscriptionHub } from './subscriptions/subscription-hub.js';
import { startGatewaySubscriptions } from './subscriptions/subscription-server.js';
import { SupergraphPlanner } from './supergraph/supergraph-planner.js';
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
export interface GatewayAppOptions extends ObservabilityOptions {
  /** One of a cluster's workers (cluster/): its /metrics answers for the whole cluster. */
  clusterWorker?: boolean;
}

export async function createGatewayApp(config: GatewayConfig, { clusterWorker = false, ...options }: GatewayAppOptions = {}): Promise<GatewayApp> {
  const development = config.NODE_ENV === 'development';
  // Read by ApolloGateway's constructor; must be set before it runs.
  if (!config.APOLLO_TELEMETRY) process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const metrics = new GatewayMetrics();
  const observability = new Observability('gateway', config, options);
  const dataSources = new Map<string, SubgraphDataSource>();
  const identities = new IdentitySigner(config.GATEWAY_SHARED_SECRET);
  const resilience = subgraphResilience(config, metrics.registry, (message) => observability.logger.warn(message));
  const subgraphUrl = (name: string, composedUrl?: string) =>
    config.subgraphUrls[name as SubgraphName] ?? composedUrl ?? planner?.subgraphUrls.get(name) ?? '';
  const dataSourceFor = (name: string, composedUrl?: string) => {
    let source = dataSources.get(name);
    if (!source) {
      source = new SubgraphDataSource({
        url: subgraphUrl(name, composedUrl),
        ...resilience(name),
        identities,
        onBatch: (calls) => metrics.subgraphBatches.observe({ subgraph: name }, calls),
      });
      dataSources.set(name, traceSubgraphFetches(observability.tracing, name, metrics.instrument(name, source)));
    }
    return source;
  };
  let planner: SupergraphPlanner | undefined;
  let routes: SingleFetchRoutes | undefined;

  const gateway = new ApolloGateway({
    ...(config.managedFederation
      ? {}
      : { supergraphSdl: fileSupergraph({ path: config.SUPERGRAPH_PATH, watch: config.SUPERGRAPH_WATCH, log: (message) => observability.logger.info(message) }) }),
    buildService: ({ name, url }) => dataSourceFor(name, url),
    // A burst of one new operation is planned once, not once per request in flight (see SingleFlightCache).
    queryPlannerConfig: {
      cache: new SingleFlightCache(new InMemoryLRUCache({ maxSize: 30 * 2 ** 20, sizeCalculation: InMemoryLRUCache.sizeCalculation })),
    },
  });
  // Subscriptions are planned with the same supergraph the gateway serves, swapped together on reload.
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    planner = new SupergraphPlanner(coreSupergraphSdl);
    if (config.DIRECT_FETCH) routes = new SingleFetchRoutes(planner, config.operationLimits);
  });

  // Auto-pipelined (createRedis): the session checks only Redis can answer (see EndedSessions) go out together.
  const redis = observability.traceRedis(createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }), 'sessions');
  registerRedisMetrics(metrics.registry, { sessions: () => redis });
  const endedSessions =
    config.SESSION_CHECK === 'memory'
      ? new EndedSessions({ redis, channelPrefix: config.REDIS_KEY_PREFIX, log: (message) => observability.logger.warn(message) })
      : undefined;
  // Should it fail to read the set (Redis away at start), every session is checked in Redis until it does.
  await endedSessions?.start().catch((error: unknown) => observability.logger.warn({ err: error }, 'ended sessions not read; checking sessions in Redis'));
  const soldOutSales =
    config.DIRECT_FETCH && config.SOLD_OUT_ANSWERS
      ? new SoldOutSales({ redis, channelPrefix: config.REDIS_KEY_PREFIX, log: (message) => observability.logger.warn(message) })
      : undefined;
  // Until it is subscribed, every claim goes to inventory.
  await soldOutSales?.start().catch((error: unknown) => observability.logger.warn({ err: error }, 'sold-out sales not subscribed; every claim goes to inventory'));
  // Every request counts one: the two series are looked up once here rather than by label on each request.
  const sessionChecks = { memory: metrics.sessionChecks.labels('memory'), redis: metrics.sessionChecks.labels('redis') };
  const tokens = createAccessTokenVerifier({
    jwksUrl: config.membersJwksUrl,
    redis,
    endedSessions,
    onSessionCheck: (answeredBy) => sessionChecks[answeredBy].inc(),
  });
  const trusted = config.TRUSTED_DOCUMENTS ? TrustedDocuments.fromFile(config.TRUSTED_DOCUMENTS) : undefined;
  // The plugins that see each request, on Apollo Server's path and on the direct path alike.
  const requestPlugins = [
    metrics.apolloPlugin<GatewayContext>(),
    ...observability.apolloPlugins<GatewayContext>(),
    // Text with U+0000 can never be stored (PostgreSQL refuses it): refused at the edge, before planning.
    refuseNulCharacters<GatewayContext>(),
    operationLimitsPlugin<GatewayContext>(config.operationLimits),
    ...(config.RATE_LIMITS.size ? [rateLimitPlugin({ table: config.RATE_LIMITS, limiter: new RateLimiter(redis, 'gateway:'), log: (message) => observability.logger.warn(message) })] : []),
  ];
  // The logging plugin logs unexpected errors, with the request id and the cause.
  const formatError = createFormatError({ exposeInternalErrors: development, log: () => {} });
  const contextOf = (req: IncomingMessage, viewer: Viewer | null): GatewayContext => ({
    requestId: headerOf(req, 'x-request-id') ?? randomUUID(),
    viewer,
    clientAddress: req.socket.remoteAddress,
  });
  // Not an async function: a known token's viewer comes without a promise, and the context with one alone.
  const requestContext = (req: IncomingMessage): Promise<GatewayContext> => {
    try {
      const viewer = tokens.viewerFromAuthorization(req.headers.authorization);
      return viewer instanceof Promise ? viewer.then((known) => contextOf(req, known)) : Promise.resolve(contextOf(req, viewer));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const app = express();
  app.disable('x-powered-by');
  const { httpServer, serveGraphQL } = serverWithGraphQLRoute(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    ...(config.managedFederation ? { apollo: { key: config.APOLLO_KEY, graphRef: config.APOLLO_GRAPH_REF } } : {}),
    introspection: config.INTROSPECTION,
    documentStore: singleFlightDocumentStore(),
    includeStacktraceInErrorResponses: development,
    formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.SHUTDOWN_GRACE_MS }),
      landingPage(config),
      // Cache hints are not collected from the subgraphs, so the plugin would only add per-request work.
      ApolloServerPluginCacheControlDisabled(),
      ...requestPlugins,
    ],
    // APQ registrations live in Redis, shared by replicas; in trusted-documents mode only the manifest counts.
    persistedQueries:
      config.APQ && !trusted ? { cache: new RedisDocumentCache(redis, { prefix: 'gateway:' }), ttl: config.APQ_TTL_SECONDS } : false,
    // Said explicitly because the gateway relies on both: no batches (one operation per request, so the
    // limits above hold per request), and CSRF prevention for simple-form posts and GETs.
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // Signals are the process's to handle, as in the subgraphs (see createSubgraphApp): main.ts closes the whole app.
    stopOnTerminationSignals: false,
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
    trustedDocuments: trusted,
  });
  metrics.observe({ connections: () => websockets.connections, subscriptions: () => hub.stats });

  const metricsServer = serveMetrics(app, metrics, config.METRICS_PORT, clusterWorker ? workerMetricsText(metrics.registry) : undefined);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  const cors = corsHandler(config.CORS_ORIGINS);
  const graphql = graphqlHttpHandler(apollo, {
    maxBodyBytes: config.MAX_REQUEST_BYTES,
    inspect: trusted ? trustedDocumentsCheck(trusted) : apqRequestCheck,
    around: observability.aroundRequest(),
    onRefused: (refusal) => metrics.countRefusal(refusal.reason),
    onError: (error, req) => observability.logger.error({ err: error, requestId: headerOf(req, 'x-request-id') }, 'request failed'),
    context: requestContext,
    ...(config.DIRECT_FETCH
      ? {
          serveDirectly: directFetch({
            routes: () => routes,
            dataSource: (name) => dataSourceFor(name),
            context: requestContext,
            plugins: requestPlugins,
            formatError,
            includeStacktrace: development,
            onServed: (subgraph) => metrics.directRequests.inc({ subgraph }),
            ...(soldOutSales ? { answerEarly: soldOutAnswers(soldOutSales), onAnsweredEarly: () => metrics.soldOutAnswers.inc() } : {}),
          }),
        }
      : {}),
  });
  serveGraphQL((req, res) => {
    if (!cors(req, res)) graphql(req, res);
  });
  app.use(createHttpErrorHandler(observability.logger));

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
        await endedSessions?.close();
        soldOutSales?.close();
        await apollo.stop();
        await Promise.all([...dataSources.values()].map((source) => source.close()));
        await Promise.allSettled([redis.quit(), metricsServer.close()]);
        await observability.close();
      })();
      return closed;
    },
  };
}
