import { type Connection, notFound, requireMember, requireOwnerOrAdmin, requireUuid, toConnection } from '@commerce/kit';
import { type FilterQuery, LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { optionalText, requiredText } from '../common/input-rules.js';
import { readUuidPage } from '../common/page.args.js';
import { containsPattern } from '../common/search-pattern.js';
import type { CatalogContext } from '../context.js';
import { enqueueStoreCreated } from '../outbox/catalog-outbox.js';
import { Product } from '../product/product.entity.js';
import { storeDeleted, storeNotEmpty } from './delete-store.result.js';
import { Store } from './store.entity.js';
import type { CreateStoreInput, UpdateStoreInput } from './store.inputs.js';
import type { StoresArgs } from './stores.args.js';

const NAME_MAX = 100;
const DESCRIPTION_MAX = 2000;

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

/**
 * Opens a store owned by the calling member. The 'store-created' message (seller role in members, the
 * store in inventory) is written in the same transaction, so a store never exists without it.
 */
export async function createStore(context: CatalogContext, input: CreateStoreInput): Promise<Store> {
  const { memberId } = requireMember(context);
  const name = requiredText(input.name, 'name', NAME_MAX);
  const description = optionalText(input.description, 'description', DESCRIPTION_MAX) ?? null;
  const store = await context.em.transactional(async (tx) => {
    const store = tx.create(Store, { name, description, ownerId: memberId });
    enqueueStoreCreated(tx, { storeId: store.id, ownerId: memberId });
    return store;
  });
  context.services.outbox.wake();
  return store;
}

/**
 * Loads a store for a change by its owner (or an admin) inside `tx`, locked as `lock` says: NOT_FOUND
 * when it does not exist, FORBIDDEN for anyone else.
 */
export async function storeForChange(
  context: CatalogContext,
  tx: EntityManager,
  storeId: string,
  lock: LockMode.PESSIMISTIC_READ | LockMode.PESSIMISTIC_WRITE,
): Promise<Store> {
  const store = await tx.findOne(Store, storeId, { lockMode: lock });
  if (!store) throw notFound('Store', storeId);
  requireOwnerOrAdmin(context, store.ownerId);
  return store;
}

export async function updateStore(context: CatalogContext, idArg: string, input: UpdateStoreInput): Promise<Store> {
  const id = requireUuid(idArg);
  const name = input.name == null ? undefined : requiredText(input.name, 'name', NAME_MAX);
  const description = optionalText(input.description, 'description', DESCRIPTION_MAX);
  return context.em.transactional(async (tx) => {
    const store = await storeForChange(context, tx, id, LockMode.PESSIMISTIC_WRITE);
    if (name !== undefined) store.name = name;
    if (description !== undefined) store.description = description;
    return store;
  });
}

/**
 * Deletes an empty store. The row lock makes a concurrent createProduct (which takes a share lock on the
 * store) either finish first, and be counted, or find the store gone.
 */
export async function deleteStore(context: CatalogContext, idArg: string) {
  const id = requireUuid(idArg);
  return context.em.transactional(async (tx) => {
    const store = await storeForChange(context, tx, id, LockMode.PESSIMISTIC_WRITE);
    const productCount = await tx.count(Product, { store });
    if (productCount > 0) return storeNotEmpty(productCount);
    tx.remove(store);
    return storeDeleted(id);
  });
}
