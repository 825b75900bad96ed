import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { NonEmptyArray } from 'type-graphql';
import type { NodeEnv } from '../config/parse-env.js';
import type { Orm } from '../db/create-orm.js';
import type { ReferenceResolver } from '../federation/build-federated-schema.js';
import type { RedisPubSub } from '../redis/redis-pubsub.js';
import type { Viewer } from '../identity/viewer.js';
import type { ClientInfo } from './client-info.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ObservabilitySettings } from '../telemetry/observability-env.js';

/** Settings every subgraph reads (see `subgraphEnvShape`); a subgraph may add its own. */
export interface SubgraphConfig extends ObservabilitySettings {
  NODE_ENV: NodeEnv;
  DATABASE_URL: string;
  REDIS_URL: string;
  REDIS_KEY_PREFIX: string;
  DB_POOL_MAX: number;
  /** Optional for configs built by hand (tests): unset, sessions idle in a transaction are never ended. */
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS?: number;
  SEED_DEMO: boolean;
  SHUTDOWN_GRACE_MS: number;
  GATEWAY_SHARED_SECRET: string;
  INLINE_TRACE?: boolean;
  /** Unset counts as on (see subgraphEnvShape). */
  DIRECT_EXECUTION?: boolean;
}

/** What every resolver of every subgraph receives. */
export interface BaseContext {
  /** A fork of the EntityManager for this request alone: its identity map dies with the request. */
  em: EntityManager;
  redis: Redis;
  /** Domain events across replicas (Redis pub/sub). */
  pubsub: RedisPubSub;
  requestId: string;
  /** The caller as the gateway verified it; null for anonymous callers. */
  viewer: Viewer | null;
  /** The client's address (as the gateway saw it) and user agent. */
  client: ClientInfo;
}

export type SubgraphContext<Loaders, Services = unknown> = BaseContext & { loaders: Loaders; services: Services };

/** What a subgraph's process holds for its whole life. */
export interface SubgraphRuntime<Config extends SubgraphConfig = SubgraphConfig> {
  orm: Orm;
  redis: Redis;
  pubsub: RedisPubSub;
  config: Config;
  logger: Logger;
  /** The app's Prometheus registry, for a subgraph's own series. */
  metrics: Metrics;
}

/** Everything that makes one subgraph what it is; the kit turns it into a running server. */
export interface SubgraphDefinition<Loaders = unknown, Services = unknown, Config extends SubgraphConfig = SubgraphConfig> {
  /** The subgraph's name in the supergraph, e.g. "members". */
  name: string;
  /** Its own PostgreSQL schema. */
  dbSchema: string;
  entities: Constructor<object>[];
  migrations: { name: string; class: Constructor<Migration> }[];
  resolvers: NonEmptyArray<Function>;
  /** Entity stubs and types that no field of this subgraph reaches but the supergraph needs. */
  orphanedTypes?: Function[];
  referenceResolvers?: Record<string, ReferenceResolver<SubgraphContext<Loaders, Services>>>;
  /** Fresh DataLoaders for one request. */
  createLoaders: (em: EntityManager) => Loaders;
  /** Long-lived collaborators (mailers, token signers, caches), built once per process; in context as `services`. */
  createServices?: (runtime: SubgraphRuntime<Config>) => Services | Promise<Services>;
  /** Extra HTTP routes beside /graphql (e.g. a JWKS document). */
  routes?: (app: Express, runtime: SubgraphRuntime<Config> & { services: Services }) => void;
  /** Starts background work (workers, schedulers); returns how to stop it on shutdown. */
  start?: (runtime: SubgraphRuntime<Config> & { services: Services }) => Promise<() => Promise<void>>;
  /** Loads demo data; must do nothing when the subgraph already has data. Returns whether it wrote. */
  seedDemo?: (em: EntityManager) => Promise<boolean>;
}
