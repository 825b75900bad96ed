import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express, { type Express } from 'express';
import { singleFlightDocumentStore } from '../cache/single-flight-cache.js';
import type { Redis } from 'ioredis';
import { refuseDevelopmentSecrets } from '../config/parse-env.js';
import { createOrm, migrate, type Orm, withSchemaLock } from '../db/create-orm.js';
import { createFormatError } from '../errors/format-error.js';
import { IdentityVerifier } from '../identity/identity-headers.js';
import { createMetrics, type Metrics, registerDbPoolMetrics, registerRedisMetrics, serveMetrics } from '../metrics/index.js';
import type { Logger } from '../logging/logger.js';
import { OutboxMessage } from '../outbox/outbox-message.entity.js';
import { registerOutboxMetrics } from '../outbox/outbox-metrics.js';
import { Observability, type ObservabilityOptions } from '../telemetry/observability.js';
import type { Viewer } from '../identity/viewer.js';
import { createRedis } from '../redis/create-redis.js';
import { createRedisPubSub } from '../redis/redis-pubsub.js';
import { DirectExecution, registerDirectCallCounter } from './direct-execution.js';
import { createHttpErrorHandler } from './http-errors.js';
import { listen } from './http-listener.js';
import { type ClientInfo, clientInfoOf, headerOf, UNKNOWN_CLIENT } from './client-info.js';
import { graphqlHttpHandler } from './graphql-http-handler.js';
import { serverWithGraphQLRoute } from './graphql-route.js';
import { refuseNulCharacters } from './nul-character-plugin.js';
import { checkReadiness } from './readiness.js';
import { RequestContext } from './request-context.js';
import type { SubgraphConfig, SubgraphContext, SubgraphDefinition, SubgraphRuntime } from './subgraph-definition.js';
import { buildSubgraphDefinitionSchema } from './subgraph-schema.js';
import { startSubscriptionServer } from './subscription-server.js';

export type { SubgraphConfig } from './subgraph-definition.js';

export interface SubgraphApp<Services = unknown> {
  name: string;
  express: Express;
  httpServer: Server;
  orm: Orm;
  redis: Redis;
  services: Services;
  /** Its Prometheus registry (served at GET /metrics); add subgraph-specific metrics on `metrics.registry`. */
  metrics: Metrics;
  /** Its JSON logger (pino); lines inside a traced request carry trace_id and span_id. */
  logger: Logger;
  /** The operator-only GET /metrics URL once listening, when METRICS_PORT is set. */
  metricsUrl?: string;
  /** Binds the HTTP server; port 0 picks a free port. Resolves with the GraphQL endpoint URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), stops workers, closes the pools. */
  close(): Promise<void>;
}

async function openRuntime<Config extends SubgraphConfig>(
  definition: SubgraphDefinition<any, any, Config>,
  config: Config,
  observability: Observability,
  metrics: Metrics,
): Promise<SubgraphRuntime<Config>> {
  refuseDevelopmentSecrets(config);
  const orm = await createOrm({
    schema: definition.dbSchema,
    databaseUrl: config.DATABASE_URL,
    entities: definition.entities,
    migrations: definition.migrations,
    poolMax: config.DB_POOL_MAX,
    idleInTransactionTimeoutMs: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    applicationName: definition.name,
  });
  const redis = observability.traceRedis(createRedis({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }), 'main');
  const pubsub = createRedisPubSub({ url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX });
  const runtime = { orm, redis, pubsub, config, logger: observability.logger, metrics };
  try {
    await withSchemaLock(config.DATABASE_URL, definition.dbSchema, async () => {
      await migrate(orm, definition.dbSchema);
      if (config.SEED_DEMO && definition.seedDemo) await definition.seedDemo(orm.em.fork());
    });
  } catch (error) {
    await Promise.allSettled([orm.close(), redis.quit(), pubsub.close()]);
    throw error;
  }
  return runtime;
}

/**
 * Boots a subgraph: opens its database schema and applies migrations, optionally seeds demo data,
 * connects Redis, builds its services, starts its background work, and serves GraphQL at /graphql with
 * /health, /ready and /metrics (Prometheus) beside it. Nothing happens on import; each subgraph's `main.ts` only reads env and calls this.
 */
export async function createSubgraphApp<Loaders, Services, Config extends SubgraphConfig>(
  definition: SubgraphDefinition<Loaders, Services, Config>,
  config: Config,
  options: ObservabilityOptions = {},
): Promise<SubgraphApp<Services>> {
  const development = config.NODE_ENV === 'development';
  const observability = new Observability(definition.name, config, options);
  const { logger } = observability;
  const metrics = createMetrics({ service: definition.name });
  const runtime = await openRuntime(definition, config, observability, metrics);
  const { orm, redis, pubsub } = runtime;
  const services = (await definition.createServices?.(runtime)) as Services;
  const schema = await buildSubgraphDefinitionSchema(definition);
  const app = express();
  app.disable('x-powered-by');
  const { httpServer, serveGraphQL } = serverWithGraphQLRoute(app);
  let draining = false;
  registerRedisMetrics(metrics.registry, {
    main: () => redis,
    'pubsub-publisher': () => pubsub.connections().publisher,
    'pubsub-subscriber': () => pubsub.connections().subscriber,
  });
  try {
    const pool = await orm.em.getConnection().getNativeClient();
    registerDbPoolMetrics(metrics.registry, pool, config.DB_POOL_MAX);
    observability.tracePgPool(pool, definition.dbSchema);
  } catch {
    // A driver without a pg pool: no pool gauges.
  }
  if (definition.entities.includes(OutboxMessage)) registerOutboxMetrics(metrics.registry, orm, definition.dbSchema);

  const createContext = (viewer: Viewer | null, requestId: string, client: ClientInfo): SubgraphContext<Loaders, Services> =>
    new RequestContext(() => orm.em.fork(), definition.createLoaders, redis, pubsub, requestId, viewer, client, services);

  const identities = new IdentityVerifier(config.GATEWAY_SHARED_SECRET);
  const formatError = createFormatError({ exposeInternalErrors: development, log: () => {} });
  // The plugins whose request hooks run on every operation, on Apollo Server's path and on the direct one alike.
  const requestPlugins = [
    metrics.apolloPlugin<SubgraphContext<Loaders, Services>>(),
    ...observability.apolloPlugins<SubgraphContext<Loaders, Services>>(),
    refuseNulCharacters<SubgraphContext<Loaders, Services>>(),
  ];
  // An inline trace (ftv1) is Apollo Server's own plugin's work: with it on, every call takes Apollo Server's path.
  const direct =
    config.DIRECT_EXECUTION !== false && !config.INLINE_TRACE
      ? new DirectExecution<SubgraphContext<Loaders, Services>>({
          schema,
          plugins: requestPlugins,
          formatError,
          includeStacktraceInErrorResponses: development,
          onServed: registerDirectCallCounter(metrics.registry),
        })
      : undefined;
  const apollo = new ApolloServer<SubgraphContext<Loaders, Services>>({
    schema,
    introspection: development,
    documentStore: singleFlightDocumentStore(),
    includeStacktraceInErrorResponses: development,
    // The logging plugin logs unexpected errors, with the request id and the cause.
    formatError,
    // Signals are the process's to handle: main.ts closes the whole app, workers included (exitGracefullyOnSignals).
    // Outside NODE_ENV=test Apollo Server also stops itself on SIGTERM and then sends the signal again, which the
    // process took as an operator's second signal and exited 1 at once, before the workers stopped; and the app's own
    // stop, waiting on Apollo's, never resumed (Apollo 5.5 releases a concurrent stop() only when the first one fails).
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.SHUTDOWN_GRACE_MS }),
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are used anywhere (the gateway ignores them), and the plugin's per-field hook made Apollo
      // wrap every resolver of the schema and call into it for every field of every response.
      ApolloServerPluginCacheControlDisabled(),
      ...requestPlugins,
      ...(direct ? [direct.recorder()] : []),
      ...(config.INLINE_TRACE ? [] : [ApolloServerPluginInlineTraceDisabled()]),
    ],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', subgraph: definition.name });
  });
  app.get('/ready', async (_req, res) => {
    if (draining) {
      res.status(503).json({ ready: false, checks: { process: 'shutting down' } });
      return;
    }
    const report = await checkReadiness(orm, redis);
    res.status(report.ready ? 200 : 503).json(report);
  });
  const metricsServer = serveMetrics(app, metrics, config.METRICS_PORT);
  definition.routes?.(app, { ...runtime, services });
  serveGraphQL(graphqlHttpHandler(apollo, {
    maxBodyBytes: 1024 * 1024,
    batches: true,
    aroundCall: observability.aroundBatchedCall(),
    around: observability.aroundRequest(),
    onRefused: (refusal) => metrics.countRefusal(refusal.reason),
    direct,
    onError: (error, req) => logger.error({ err: error, requestId: headerOf(req, 'x-request-id') }, 'request failed'),
    context: async (req) =>
      createContext(
        identities.verify({ get: (name) => headerOf(req, name) }),
        headerOf(req, 'x-request-id') ?? randomUUID(),
        clientInfoOf(req),
      ),
  }));
  app.use(createHttpErrorHandler(logger));
  const subscriptions = schema.getSubscriptionType()
    ? startSubscriptionServer({
        httpServer,
        schema,
        sharedSecret: config.GATEWAY_SHARED_SECRET,
        context: (viewer) => createContext(viewer, randomUUID(), UNKNOWN_CLIENT),
      })
    : undefined;
  const stopWorkers = await definition.start?.({ ...runtime, services });

  let closed: Promise<void> | undefined;
  let metricsUrl: string | undefined;
  return {
    name: definition.name,
    express: app,
    httpServer,
    orm,
    redis,
    services,
    metrics,
    logger,
    get metricsUrl() {
      return metricsUrl;
    },
    async listen(port, host = '127.0.0.1') {
      const bound = await listen(httpServer, port, host);
      metricsUrl = await metricsServer.listen(host);
      return `http://${host}:${bound}/graphql`;
    },
    close() {
      closed ??= (async () => {
        draining = true;
        await subscriptions?.close();
        // The drain plugin stops accepting connections and waits for in-flight requests.
        await apollo.stop();
        await stopWorkers?.();
        await Promise.allSettled([orm.close(), redis.quit(), pubsub.close(), metricsServer.close()]);
        await observability.close();
      })();
      return closed;
    },
  };
}
