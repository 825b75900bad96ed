import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { booleanFlag, ConfigError, DEVELOPMENT_GATEWAY_SECRET, nodeEnv, observabilityEnvShape, parseEnv, port, refuseDevelopmentSecrets } from '@commerce/kit/http';
import { z } from 'zod';
import { rateLimitsSetting } from './rate-limits/rate-limit-rules.js';
import { subgraphResilienceShape, subgraphTimeouts } from './subgraphs/subgraph-settings.js';

export const SUBGRAPH_NAMES = ['members', 'catalog', 'inventory', 'orders', 'coupons'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

const defaultSupergraphPath = fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url));
const optionalUrl = z.url().optional();
/** Each worker holds a whole gateway's memory (plans, caches, connections): `auto` on a big host stops here. */
const MAX_WORKERS = 16;

export function readGatewayConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = parseEnv(
    {
      NODE_ENV: nodeEnv,
      HOST: z.string().default('127.0.0.1'),
      PORT: port(4000),
      /** The composed supergraph; ignored in managed-federation mode. */
      SUPERGRAPH_PATH: z.string().default(defaultSupergraphPath),
      /** Reload the supergraph when the file changes (defaults to on in development). */
      SUPERGRAPH_WATCH: booleanFlag(undefined),
      APOLLO_KEY: z.string().optional(),
      APOLLO_GRAPH_REF: z.string().optional(),
      /** Introspection and the Apollo Sandbox landing page; default on in development only. */
      INTROSPECTION: booleanFlag(undefined),
      LANDING_PAGE: booleanFlag(undefined),
      /** Signs the identity forwarded to subgraphs; the same value every subgraph has. */
      GATEWAY_SHARED_SECRET: z.string().min(32).default(DEVELOPMENT_GATEWAY_SECRET),
      /** The members subgraph's public keys for access tokens (default: beside its GraphQL endpoint). */
      MEMBERS_JWKS_URL: optionalUrl,
      /** Session liveness lives in Redis under the members subgraph's key prefix. */
      REDIS_URL: z.url().default('redis://127.0.0.1:6379/0'),
      REDIS_KEY_PREFIX: z.string().default('commerce:'),
      /**
       * How a request's device session is checked: `memory` against the ended sessions members announces (ended-sessions.ts),
       * asking Redis only where memory may be missing one; `redis` asks Redis (`session:<sid>`) on every request.
       */
      SESSION_CHECK: z.enum(['memory', 'redis']).default('memory'),
      /** Events about one thing (a variant) closer together than this reach subscribers merged; the latest always arrives. */
      SUBSCRIPTION_COALESCE_MS: z.coerce.number().int().min(0).default(50),
      MAX_WS_CONNECTIONS: z.coerce.number().int().min(1).default(20_000),
      MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).default(50),
      /**
       * @apollo/gateway otherwise sends usage metrics to Apollo and probes cloud metadata endpoints at start.
       * Off unless an operator opts in.
       */
      APOLLO_TELEMETRY: booleanFlag(false),
      /** Operation limits, checked before planning (HTTP) or subscribing (WebSocket). */
      MAX_QUERY_DEPTH: z.coerce.number().int().min(1).default(15),
      MAX_ALIASES: z.coerce.number().int().min(0).default(50),
      /** Field selections after fragment expansion, each multiplied by the `first` of the list fields above it. */
      MAX_QUERY_COST: z.coerce.number().int().min(1).default(5_000),
      /** Larger request bodies get 413 PAYLOAD_TOO_LARGE before they are parsed. */
      MAX_REQUEST_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
      /**
       * Browser origins allowed to call the gateway, comma separated (e.g. https://shop.example.com). None by
       * default; `*` is refused because responses may carry a member's data to a page that sent their token.
       */
      CORS_ORIGINS: z
        .string()
        .default('')
        .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
        .refine((origins) => !origins.includes('*'), 'list the allowed origins; `*` is not accepted')
        .refine((origins) => origins.every((origin) => URL.canParse(origin) && new URL(origin).origin === origin), 'each origin is scheme://host[:port], without a path'),
      SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
      /** Per-subgraph overrides of SUBGRAPH_TIMEOUT_MS, e.g. `inventory=500,orders=2000`; then retries and breakers. */
      SUBGRAPH_TIMEOUTS: subgraphTimeouts(SUBGRAPH_NAMES),
      ...subgraphResilienceShape,
      /** Per-member and per-address limits on expensive mutations: defaults, `off`, or changes (rate-limit-rules.ts). */
      RATE_LIMITS: rateLimitsSetting,
      /** Automatic persisted queries, registered in Redis (shared by replicas) for this long after registration. */
      APQ: booleanFlag(true),
      APQ_TTL_SECONDS: z.coerce.number().int().min(60).default(86_400),
      /** A manifest of the only operations to serve (trusted-documents mode); APQ registration is then off. */
      TRUSTED_DOCUMENTS: z.string().min(1).optional(),
      /**
       * Operations one subgraph answers whole with one call skip Apollo Server's pipeline and the plan executor
       * (direct-fetch/); the answers are the same either way. Off sends every operation the full way. Default on,
       * except with APOLLO_KEY: Apollo Server then adds Studio's usage reporting, which sees only the operations its
       * own pipeline serves.
       */
      DIRECT_FETCH: booleanFlag(undefined),
      /**
       * Claims on a time-sale inventory announced sold out are answered SOLD_OUT here, on the direct path, without
       * asking inventory (time-sale/sold-out-answers.ts); retries of existing claims still go to inventory.
       */
      SOLD_OUT_ANSWERS: booleanFlag(true),
      /** Calls to one subgraph made within one turn of the event loop go as one HTTP request (SubgraphBatcher). */
      SUBGRAPH_BATCHING: booleanFlag(true),
      SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
      /**
       * Processes serving the port (cluster/): a number, or `auto` for one per core. One Node thread bounds how many
       * small requests a gateway answers a second; each worker is a whole gateway with its own caches and subscriptions.
       */
      WORKERS: z.union([z.literal('auto').transform(() => Math.min(availableParallelism(), MAX_WORKERS)), z.coerce.number().int().min(1).max(MAX_WORKERS)]).default(1),
      MEMBERS_URL: optionalUrl,
      CATALOG_URL: optionalUrl,
      INVENTORY_URL: optionalUrl,
      ORDERS_URL: optionalUrl,
      COUPONS_URL: optionalUrl,
      /** LOG_LEVEL, SLOW_OPERATION_MS, METRICS_PORT and the OTEL_* tracing settings, as every subgraph reads them. */
      ...observabilityEnvShape,
    },
    env,
  );
  if (Boolean(parsed.APOLLO_KEY) !== Boolean(parsed.APOLLO_GRAPH_REF)) {
    throw new ConfigError('Invalid configuration:\n  APOLLO_KEY and APOLLO_GRAPH_REF: set both for managed federation, or neither.');
  }
  refuseDevelopmentSecrets(parsed);
  // Sandbox sends introspection and ad-hoc operations, which trusted-documents mode refuses: it could not work.
  if (parsed.TRUSTED_DOCUMENTS && parsed.LANDING_PAGE) {
    throw new ConfigError('Invalid configuration:\n  LANDING_PAGE: Sandbox cannot run against a gateway in trusted-documents mode (TRUSTED_DOCUMENTS).');
  }
  const development = parsed.NODE_ENV === 'development';
  const membersUrl = parsed.MEMBERS_URL ?? 'http://127.0.0.1:4001/graphql';
  // booleanFlag(undefined) keeps "unset" apart from "false", so the environment decides the default.
  const explicit = (name: string) => env[name] !== undefined && env[name] !== '';
  return {
    ...parsed,
    SUPERGRAPH_WATCH: explicit('SUPERGRAPH_WATCH') ? Boolean(parsed.SUPERGRAPH_WATCH) : development,
    INTROSPECTION: explicit('INTROSPECTION') ? Boolean(parsed.INTROSPECTION) : development,
    LANDING_PAGE: explicit('LANDING_PAGE') ? Boolean(parsed.LANDING_PAGE) : development && !parsed.TRUSTED_DOCUMENTS,
    managedFederation: Boolean(parsed.APOLLO_KEY),
    DIRECT_FETCH: explicit('DIRECT_FETCH') ? Boolean(parsed.DIRECT_FETCH) : !parsed.APOLLO_KEY,
    subgraphTimeouts: parsed.SUBGRAPH_TIMEOUTS as Partial<Record<SubgraphName, number>>,
    operationLimits: { maxDepth: parsed.MAX_QUERY_DEPTH, maxAliases: parsed.MAX_ALIASES, maxCost: parsed.MAX_QUERY_COST },
    membersJwksUrl: parsed.MEMBERS_JWKS_URL ?? new URL('/.well-known/jwks.json', membersUrl).toString(),
    /** Subgraph URLs that replace the ones composed into the supergraph (containers, tests). */
    subgraphUrls: Object.fromEntries(
      SUBGRAPH_NAMES.flatMap((name) => {
        const url = parsed[`${name.toUpperCase()}_URL` as `${Uppercase<SubgraphName>}_URL`];
        return url ? [[name, url]] : [];
      }),
    ) as Partial<Record<SubgraphName, string>>,
  };
}

export type GatewayConfig = ReturnType<typeof readGatewayConfig>;
