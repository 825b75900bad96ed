import { type Connection, notFound, type PageArgs, readPageArgs, requireUuid, toConnection } from '@commerce/kit';
import type { InventoryContext } from '../context.js';
import { TimeSale } from './time-sale.entity.js';

export async function findTimeSale({ loaders }: InventoryContext, id: string): Promise<TimeSale> {
  const sale = await loaders.timeSaleById.load(requireUuid(id));
  if (!sale) throw notFound('TimeSale', id);
  return sale;
}

/** Pages by id: UUIDv7 ids are creation-ordered, so new sales append and never shift a page. */
export async function listTimeSales({ em }: InventoryContext, args: PageArgs): Promise<Connection<TimeSale>> {
  const { limit, afterKey } = readPageArgs(args);
  const after = afterKey === null ? null : requireUuid(afterKey, 'after');
  const rows = await em.find(TimeSale, after ? { id: { $gt: after } } : {}, { orderBy: { id: 'asc' }, limit: limit + 1 });
  return toConnection(rows, limit, (sale) => sale.id, after !== null);
}
