import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { NonEmptyArray } from 'type-graphql';
import type { ReferenceResolver } from '../federation/build-federated-schema.js';

/** What every resolver of every subgraph receives. */
export interface BaseContext {
  /** A fork of the EntityManager for this request alone: its identity map dies with the request. */
  em: EntityManager;
  redis: Redis;
  requestId: string;
}

export type SubgraphContext<Loaders> = BaseContext & { loaders: Loaders };

/** Everything that makes one subgraph what it is; the kit turns it into a running server. */
export interface SubgraphDefinition<Loaders = unknown> {
  /** The subgraph's name in the supergraph, e.g. "members". */
  name: string;
  /** Its own PostgreSQL schema. */
  dbSchema: string;
  entities: Constructor<object>[];
  migrations: { name: string; class: Constructor<Migration> }[];
  resolvers: NonEmptyArray<Function>;
  /** Entity stubs and types that no field of this subgraph reaches but the supergraph needs. */
  orphanedTypes?: Function[];
  referenceResolvers?: Record<string, ReferenceResolver<SubgraphContext<Loaders>>>;
  /** Fresh DataLoaders for one request. */
  createLoaders: (em: EntityManager) => Loaders;
  /** Loads demo data; must do nothing when the subgraph already has data. Returns whether it wrote. */
  seedDemo?: (em: EntityManager) => Promise<boolean>;
}
