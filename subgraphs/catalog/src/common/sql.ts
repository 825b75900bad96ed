import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The schema-qualified table of an entity, for the few statements written as SQL (atomic counters,
 * price aggregates): MikroORM qualifies its own queries with the subgraph's schema, and so must we.
 */
export function tableOf(em: EntityManager, entity: EntityName<object>): string {
  const meta = em.getMetadata().get(entity as never);
  const schema = meta.schema ?? em.config.get('schema') ?? 'public';
  return `"${schema}"."${meta.tableName}"`;
}
