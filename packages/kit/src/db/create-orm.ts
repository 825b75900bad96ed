import type { Constructor } from '@mikro-orm/core';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migration, Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import pg from 'pg';

export interface OrmOptions {
  /** The subgraph's own PostgreSQL schema: a subgraph never reads another's tables. */
  schema: string;
  databaseUrl: string;
  entities: Constructor<object>[];
  /** Committed migrations in the order they apply; listed explicitly so no file globbing is needed at run time. */
  migrations: { name: string; class: Constructor<Migration> }[];
  poolMax?: number;
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
  return MikroORM.init(config);
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
