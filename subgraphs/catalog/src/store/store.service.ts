import { type Connection, notFound, requireUuid, toConnection } from '@commerce/kit';
import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { readUuidPage } from '../common/page.args.js';
import { containsPattern } from '../common/search-pattern.js';
import type { CatalogContext } from '../context.js';
import { Store } from './store.entity.js';
import type { StoresArgs } from './stores.args.js';

export async function getStore({ loaders }: CatalogContext, id: string): Promise<Store> {
  const store = await loaders.storeById.load(requireUuid(id));
  if (!store) throw notFound('Store', id);
  return store;
}

/** Stores in id order, so a cursor stays valid while stores are added. */
export async function listStores(em: EntityManager, { search, ...pageArgs }: StoresArgs): Promise<Connection<Store>> {
  const { limit, after } = readUuidPage(pageArgs);
  const pattern = containsPattern(search);
  const conditions: FilterQuery<Store>[] = [];
  if (pattern) conditions.push({ $or: [{ name: { $ilike: pattern } }, { description: { $ilike: pattern } }] });
  if (after) conditions.push({ id: { $gt: after } });
  const rows = await em.find(Store, conditions.length > 0 ? { $and: conditions } : {}, {
    orderBy: { id: 'asc' },
    limit: limit + 1,
  });
  return toConnection(rows, limit, (store) => store.id, after !== null);
}
