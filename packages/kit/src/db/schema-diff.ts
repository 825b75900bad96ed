import type { Orm } from './create-orm.js';

/**
 * The SQL that would bring the database in line with the entity metadata. Empty after the migrations
 * have run means the hand-written migrations and the entities agree; a test asserts exactly that, and
 * a non-empty answer is the starting point of the next migration.
 */
export async function schemaDiffSql(orm: Orm): Promise<string> {
  const sql = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: false });
  return sql.trim();
}
