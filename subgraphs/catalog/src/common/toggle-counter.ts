import { notFound } from '@commerce/kit';
import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

export interface ToggleTarget {
  /** Schema-qualified table of the counted rows, e.g. store_follow. */
  relationTable: string;
  /** Its column holding the target's id, e.g. store_id. */
  targetColumn: string;
  /** Schema-qualified table of the target, e.g. store. */
  targetTable: string;
  /** The target's counter column, e.g. follower_count. */
  counterColumn: string;
  typeName: string;
}

/**
 * Adds (or removes) one member's relation row and moves the target's counter in the same statement,
 * only when a row was really inserted (or deleted). The counter thus always equals the number of rows:
 * a concurrent duplicate waits on the unique key and then inserts nothing, and the counter update is a
 * single atomic `counter = counter ± 1`, never a read-modify-write in application code.
 * NOT_FOUND when the target does not exist (or is deleted meanwhile).
 */
export async function toggleRelation(
  em: EntityManager,
  target: ToggleTarget,
  targetId: string,
  memberId: string,
  on: boolean,
): Promise<void> {
  const { relationTable, targetColumn, targetTable, counterColumn } = target;
  const change = on
    ? `insert into ${relationTable} (${targetColumn}, member_id)
         select id, ?::uuid from ${targetTable} where id = ?
       on conflict do nothing returning ${targetColumn} as target_id`
    : `delete from ${relationTable} where member_id = ? and ${targetColumn} = ? returning ${targetColumn} as target_id`;
  const rows = (await em
    .execute(
    `with changed as (${change}),
          moved as (update ${targetTable} set ${counterColumn} = ${counterColumn} ${on ? '+' : '-'} 1
                     where id in (select target_id from changed) returning id)
     select id from ${targetTable} where id = ?`,
      [memberId, targetId, targetId],
    )
    .catch((error: unknown) => {
      // The target was deleted between our read of it and the insert's foreign-key check.
      if (error instanceof ForeignKeyConstraintViolationException) return [];
      throw error;
    })) as { id: string }[];
  if (rows.length === 0) throw notFound(target.typeName, targetId);
}
