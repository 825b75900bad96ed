import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A table of this subgraph's schema, quoted for raw SQL. Raw statements are used where one guarded
 * UPDATE must decide and change at once; they must name the schema because the search path does not.
 */
export function table(em: EntityManager, name: string): string {
  return `"${em.config.get('schema')}"."${name}"`;
}

/**
 * Reads a query's rows `chunkSize` at a time through a server-side cursor (in a read-only transaction of its own),
 * so a table of millions of rows is never in memory at once and needs no index or sort to be paged. `visit` gets
 * each chunk in turn and may stop the reading by answering false; the result says whether every row was visited.
 */
export async function forEachChunk<Row>(
  em: EntityManager,
  sql: string,
  params: unknown[],
  chunkSize: number,
  visit: (rows: Row[]) => Promise<boolean>,
): Promise<boolean> {
  return em.fork().transactional(async (tx) => {
    await tx.execute('set transaction read only');
    await tx.execute(`declare "chunked_rows" no scroll cursor for ${sql}`, params);
    for (;;) {
      const rows = await tx.execute<Row[]>(`fetch ${chunkSize} from "chunked_rows"`);
      if (rows.length > 0 && !(await visit(rows))) return false;
      if (rows.length < chunkSize) return true;
    }
  });
}
