import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A table of this subgraph's schema, quoted for raw SQL. Raw statements are used where one guarded
 * UPDATE must decide and change at once; they must name the schema because the search path does not.
 */
export function table(em: EntityManager, name: string): string {
  return `"${em.config.get('schema')}"."${name}"`;
}
