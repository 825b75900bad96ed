import type { Constructor } from '@mikro-orm/core';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migration, Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import pg from 'pg';
import { releaseDeadConnections } from './release-dead-connections.js';

export interface OrmOptions {
  /** The subgraph's own PostgreSQL schema: a subgraph never reads another's tables. */
  schema: string;
  databaseUrl: string;
  entities: Constructor<object>[];
  /** Committed migrations in the order they apply; listed explicitly so no file globbing is needed at run time. */
  migrations: { name: string; class: Constructor<Migration> }[];
  poolMax?: number;
  /** Ends a session idle inside a transaction this long, releasing its locks (0 or unset: never). */
  idleInTransactionTimeoutMs?: number;
  /** Shown as application_name in pg_stat_activity, so an operator sees which service holds what. */
  applicationName?: string;
  debug?: boolean;
}

export type Orm = MikroORM;

/** Opens a MikroORM instance bound to one subgraph's PostgreSQL schema. */
export async function createOrm(options: OrmOptions): Promise<Orm> {
  const config: Options = {
    clientUrl: options.databaseUrl,
    schema: options.schema,
    entities: options.entities,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    pool: { min: 0, max: options.poolMax ?? 10 },
    // Passed to every pg client of the pool: set on the session when it connects.
    driverOptions: {
      application_name: options.applicationName ?? options.schema,
      // The client side notices a dead server too, instead of waiting on a socket nobody answers.
      keepAlive: true,
      ...(options.idleInTransactionTimeoutMs ? { idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs } : {}),
    },
    debug: options.debug ?? false,
    // Request code always works on a fork (see createContext); the global EntityManager is a bug magnet.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ensureDatabase: false,
    migrations: {
      migrationsList: options.migrations,
      schema: options.schema,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
  };
  const orm = await MikroORM.init(config);
  releaseDeadConnections(await orm.em.getConnection().getNativeClient());
  return orm;
}

/**
 * Runs `work` while holding a PostgreSQL advisory lock named after the schema, on a connection of its own,
 * so replicas of one subgraph starting together migrate and seed one after the other, never at once.
 */
export async function withSchemaLock<T>(databaseUrl: string, schema: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [`commerce:migrate:${schema}`]);
    return await work();
  } finally {
    // Ending the session releases the lock even if `work` failed half-way.
    await client.end();
  }
}

/** Creates the subgraph's schema if needed and applies every pending migration, all or nothing. */
export async function migrate(orm: Orm, schema: string): Promise<string[]> {
  await orm.em.getConnection().execute(`create schema if not exists "${schema}"`);
  const applied = await orm.migrator.up();
  return applied.map((migration) => migration.name);
}
