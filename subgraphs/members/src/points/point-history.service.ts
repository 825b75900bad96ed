import { type Connection, type PageArgs, readPageArgs, requireUuid, toConnection } from '@commerce/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { PointEntry } from './point-entry.entity.js';

/** Newest first, paged by the time-ordered entry ID, so a cursor stays valid while entries are added. */
export async function pointHistory(em: EntityManager, memberId: string, page: PageArgs): Promise<Connection<PointEntry>> {
  const { limit, afterKey } = readPageArgs(page);
  const after = afterKey === null ? null : requireUuid(afterKey, 'after');
  const rows = await em.find(PointEntry, after ? { memberId, id: { $lt: after } } : { memberId }, {
    orderBy: { id: 'desc' },
    limit: limit + 1,
  });
  return toConnection(rows, limit, (entry) => entry.id, after !== null);
}
